import {
  type ArchiveRecord,
  pulseMessageBody,
  routingKeyV1,
  routingKeyV2,
  type WebhookPayload,
} from '@github-webhooks/events';
import type { Exchanges } from './exchanges';
import type { OutgoingMessage } from './message';

/** A public delivery's payload: parsed for routing, and its text as received for the body. */
export interface PulsePayload {
  readonly payload: WebhookPayload;
  /** The payload's JSON text, spliced unchanged into the message body. */
  readonly text: string;
}

/**
 * The messages one public delivery becomes: the same body on the v1 exchange (`owner/repo/event`)
 * and, unless disabled, on the v2 exchange (`owner.repo.event[.action]`).
 */
export function pulseMessagesFor(
  record: ArchiveRecord,
  resolved: PulsePayload,
  exchanges: Exchanges,
  headers?: Readonly<Record<string, string>>,
): OutgoingMessage[] {
  const body = pulseMessageBody({
    event: record.event,
    deliveryId: record.delivery_id,
    payloadText: resolved.text,
  });
  // The delivery's arrival, not the publish time: a retried message is identical to the first.
  const common = {
    body,
    messageId: record.delivery_id,
    timestamp: new Date(record.received_at),
    ...(headers === undefined ? {} : { headers }),
  };
  const messages: OutgoingMessage[] = [
    { ...common, exchange: exchanges.v1, routingKey: routingKeyV1(record.event, resolved.payload) },
  ];
  if (exchanges.v2 !== undefined) {
    messages.push({
      ...common,
      exchange: exchanges.v2,
      routingKey: routingKeyV2(record.event, resolved.payload),
    });
  }
  return messages;
}
