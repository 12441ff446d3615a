import type { PrivacyPolicy } from '@github-webhooks/events';
import { BrokerUnavailableError, type Exchanges, pulseMessagesFor } from '@github-webhooks/pulse';
import { describeError, type LogFields } from '@github-webhooks/runtime';
import { BadMessageError, PayloadUnavailableError, PublishFailedError } from './errors';
import type { RepublishPorts } from './ports';
import { type Prepared, prepareMessage, type RecheckMode } from './prepare-message';

/** One message taken from the queue (or a record line the local relay read, as bytes). */
export interface QueueMessage {
  readonly messageId: string;
  readonly body: string | Buffer;
}

export interface RepublishSettings {
  readonly policy: PrivacyPolicy;
  readonly exchanges: Exchanges;
  /** AMQP headers for every message, e.g. `x-github-webhooks-replay` on replays. */
  readonly headers?: Readonly<Record<string, string>>;
  /** How the privacy re-check is made (RecheckMode); default `payload`. */
  readonly recheck?: RecheckMode;
}

export type FailureReason =
  /** Can never be published (not JSON, not a record, unresolvable payload_ref). */
  | 'bad_message'
  /** A private delivery reached the public queue: refused, never published. */
  | 'refused_private'
  /** The payload object could not be read now. */
  | 'payload_unavailable'
  /** The broker did not confirm the message (unreachable, refused, connection lost, nack, timeout). */
  | 'publish_failed'
  /** A defect: an unexpected exception. */
  | 'internal_error';

export type Outcome =
  | {
      readonly messageId: string;
      readonly status: 'published';
      readonly deliveryId: string;
      readonly event: string;
      readonly routingKeys: readonly string[];
      /** Published before, within the ledger's window: not published again. */
      readonly duplicate?: true;
    }
  | {
      readonly messageId: string;
      readonly status: 'failed';
      readonly reason: FailureReason;
      /** For publish_failed: whether the broker could not be had at all (an outage), not this message. */
      readonly brokerUnavailable?: boolean;
      readonly deliveryId?: string;
      readonly event?: string;
    };

/**
 * Publishes each message of a batch to Pulse and tells, per message, whether it was published.
 * Never throws: one message's failure is its own, so its neighbours are neither lost nor repeated.
 * Messages are handled concurrently; the publisher bounds how many confirms are awaited at once.
 */
export function republishBatch(
  messages: readonly QueueMessage[],
  settings: RepublishSettings,
  ports: RepublishPorts,
): Promise<Outcome[]> {
  // One outage, one report: the batch's messages share the publisher's view of failed connects.
  const batchPorts = { ...ports, publisher: ports.publisher.batch?.() ?? ports.publisher };
  return Promise.all(messages.map((message) => republishMessage(message, settings, batchPorts)));
}

export async function republishMessage(
  message: QueueMessage,
  settings: RepublishSettings,
  ports: RepublishPorts,
): Promise<Outcome> {
  const { logger, metrics } = ports;
  const fields: { message_id: string; delivery_id?: string; event?: string } = {
    message_id: message.messageId,
  };
  const fail = (
    reason: FailureReason,
    text: string,
    extra: LogFields = {},
    brokerUnavailable?: boolean,
  ): Outcome => {
    metrics.count('PublishFailed');
    if (reason === 'bad_message') metrics.count('BadMessage');
    if (reason === 'refused_private') metrics.count('RefusedPrivate');
    logger.error(text, { ...fields, reason, ...extra });
    const { delivery_id: deliveryId, event } = fields;
    return {
      messageId: message.messageId,
      status: 'failed',
      reason,
      ...(brokerUnavailable === undefined ? {} : { brokerUnavailable }),
      ...(deliveryId === undefined ? {} : { deliveryId }),
      ...(event === undefined ? {} : { event }),
    };
  };
  try {
    let prepared: Prepared;
    try {
      prepared = await prepareMessage(
        message.body,
        settings.recheck ?? 'payload',
        settings.policy,
        ports.payloads,
        fields,
      );
    } catch (error) {
      if (error instanceof BadMessageError)
        return fail('bad_message', 'bad message', { error: describeError(error) });
      if (error instanceof PayloadUnavailableError) {
        return fail('payload_unavailable', 'payload object unavailable', { error: describeError(error) });
      }
      throw error;
    }
    if (prepared.kind === 'refused') {
      return fail('refused_private', 'refused to publish a private delivery', { privacy: prepared.privacy });
    }
    const outgoing = pulseMessagesFor(
      prepared.route,
      prepared.payloadText,
      settings.exchanges,
      settings.headers,
    );
    const routingKeys = outgoing.map((m) => m.routingKey);
    const publishAll = async (): Promise<void> => {
      const results = await Promise.allSettled(outgoing.map((m) => ports.publisher.publish(m)));
      const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
      if (failures.length > 0) throw new PublishFailedError(failures);
    };
    const done = {
      messageId: message.messageId,
      status: 'published',
      deliveryId: prepared.route.deliveryId,
      event: prepared.route.event,
      routingKeys,
    } as const;
    try {
      if (ports.ledger === undefined) await publishAll();
      else if ((await ports.ledger.once(prepared.key, publishAll)) === 'duplicate') {
        metrics.count('Deduplicated');
        logger.info('published before; not again', { ...fields, delivery_key: prepared.key });
        return { ...done, duplicate: true };
      }
    } catch (error) {
      if (!(error instanceof PublishFailedError)) throw error;
      const outage = error.failures.every((failure) => failure instanceof BrokerUnavailableError);
      return fail(
        'publish_failed',
        'publish failed; the message will be retried',
        { routing_keys: routingKeys, errors: error.failures.map((failure) => describeError(failure)) },
        outage,
      );
    }
    metrics.count('Published');
    logger.info('published', { ...fields, routing_keys: routingKeys, bytes: outgoing[0]?.body.byteLength });
    return done;
  } catch (error) {
    return fail('internal_error', 'unexpected error', { error: describeError(error) });
  }
}
