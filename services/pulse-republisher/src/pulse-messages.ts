import { type ArchiveRecord, pulseMessageBody, routingKeyV1, routingKeyV2 } from '@github-webhooks/events';
import type { Exchanges } from './config';
import type { OutgoingMessage } from './ports';
import type { ResolvedPayload } from './resolve-payload';

/**
 * The messages one public delivery becomes: the same body on the v1 exchange (`owner/repo/event`)
 * and, unless disabled, on the v2 exchange (`owner.repo.event[.action]`).
 */
export function pulseMessagesFor(
  record: ArchiveRecord,
  resolved: ResolvedPayload,
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
