import { parseRecord } from '@github-webhooks/events';

/**
 * SNS's own messages, in the JSON format AWS documents for them (Type, MessageId, Token, TopicArn,
 * Message, SubscribeURL, Timestamp, SignatureVersion, Signature, SigningCertURL; a Notification has
 * UnsubscribeURL instead of Token and SubscribeURL):
 * - `SubscriptionConfirmation`: SNS sends it to the queue someone subscribed to a topic. Anyone may
 *   subscribe a queue to the public topic, so anyone could have one sent into the republisher's
 *   queue (the topic's policy now denies naming this stack's queues, from another account);
 * - `UnsubscribeConfirmation`: sent when such a subscription is deleted;
 * - `Notification` whose message is not an archive record: an envelope of a subscription without
 *   raw message delivery that carries no delivery (an envelope that does carry a record is this
 *   stack's own subscription misconfigured: that stays a bad message, and alarms).
 * None is a delivery: it is logged and counted, and leaves the queue (never the dead-letter queue,
 * whose alarm it would fire and whose real failures it could bury).
 */
export type SnsControlType = 'SubscriptionConfirmation' | 'UnsubscribeConfirmation' | 'Notification';

export interface SnsControlMessage {
  readonly type: SnsControlType;
  readonly messageId: string;
  readonly topicArn: string;
  readonly timestamp: string | undefined;
}

const CONFIRMATIONS: ReadonlySet<string> = new Set(['SubscriptionConfirmation', 'UnsubscribeConfirmation']);

/** The SNS control message a queue message's body is, or undefined (a record, or anything else). */
export function snsControlMessage(body: string): SnsControlMessage | undefined {
  // A record starts with its delivery_id; SNS's JSON starts with its Type. Cheap for every record.
  if (!body.includes('"Type"')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const m = value as Record<string, unknown>;
  if ('delivery_id' in m) return undefined;
  const { Type: type, MessageId: messageId, TopicArn: topicArn, Message: message } = m;
  if (typeof messageId !== 'string' || typeof topicArn !== 'string' || typeof message !== 'string')
    return undefined;
  const timestamp = typeof m.Timestamp === 'string' ? m.Timestamp : undefined;
  if (typeof type === 'string' && CONFIRMATIONS.has(type)) {
    if (typeof m.Token !== 'string') return undefined;
    return { type: type as SnsControlType, messageId, topicArn, timestamp };
  }
  if (type === 'Notification' && !isRecord(message)) return { type, messageId, topicArn, timestamp };
  return undefined;
}

function isRecord(text: string): boolean {
  try {
    parseRecord(JSON.parse(text));
    return true;
  } catch {
    return false;
  }
}
