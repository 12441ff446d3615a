import {
  pulseMessageBody,
  routingKeyV1For,
  routingKeyV2For,
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

/** What a Pulse message is routed and stamped by: a record's fields. */
export interface PulseRoute {
  readonly event: string;
  readonly deliveryId: string;
  /** ISO-8601: the delivery's arrival, so a retried message is identical to the first. */
  readonly receivedAt: string;
  /** `owner/name`. */
  readonly repository: string;
  readonly action?: string | null | undefined;
}

/**
 * The messages one public delivery becomes: the same body on each exchange of the original format
 * (`owner/repo/event`) and, unless disabled, on the dotted exchange (`owner.repo.event[.action]`).
 */
export function pulseMessagesFor(
  route: PulseRoute,
  payloadText: string | Uint8Array,
  exchanges: Exchanges,
  headers?: Readonly<Record<string, string>>,
): OutgoingMessage[] {
  const body = pulseMessageBody({ event: route.event, deliveryId: route.deliveryId, payloadText });
  const common = {
    body,
    messageId: route.deliveryId,
    timestamp: new Date(route.receivedAt),
    ...(headers === undefined ? {} : { headers }),
  };
  const originalKey = routingKeyV1For(route.event, route.repository);
  const messages: OutgoingMessage[] = exchanges.original.map((exchange) => ({
    ...common,
    exchange,
    routingKey: originalKey,
  }));
  if (exchanges.dotted !== undefined) {
    messages.push({
      ...common,
      exchange: exchanges.dotted,
      routingKey: routingKeyV2For(route.event, route.repository, route.action),
    });
  }
  return messages;
}
