import {
  type ArchiveRecord,
  isPayloadKeyOf,
  omittedPayloadRef,
  type PayloadRef,
  parseRecord,
  payloadTextOf,
  splitConcatenatedJson,
  type WebhookPayload,
} from '@github-webhooks/events';
import { BadMessageError } from './errors';
import { payloadAsReceived } from './transport-escape';

export type MessagePayload =
  | {
      readonly kind: 'inline';
      readonly payload: WebhookPayload;
      /**
       * The payload's JSON text as the producer wrote it (ingestion's transport escapes undone,
       * checked against payload_sha256: payloadAsReceived), so it is republished unchanged.
       */
      readonly text: string;
    }
  | { readonly kind: 'ref'; readonly ref: PayloadRef };

export interface ParsedMessage {
  readonly record: ArchiveRecord;
  readonly payload: MessagePayload;
}

/**
 * Reads one queue message body: an archive record (`formatRecordLine` without the newline), as the
 * ingestion service publishes it to the public topic with raw message delivery.
 */
export function parseMessage(body: string): ParsedMessage {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (cause) {
    throw new BadMessageError('body is not JSON', { cause });
  }
  const record = toRecord(withOmittedRef(value));
  if (record.payload_ref !== undefined) {
    // Only the object ingestion wrote for this delivery: a reference elsewhere is not trusted.
    const { key, sha256 } = record.payload_ref;
    if (!isPayloadKeyOf(key, record.delivery_id, sha256)) {
      throw new BadMessageError(
        `payload_ref.key is ${JSON.stringify(key)}, not one of this delivery's payload objects`,
      );
    }
    return { record, payload: { kind: 'ref', ref: record.payload_ref } };
  }
  const payload = record.payload as WebhookPayload;
  return { record, payload: { kind: 'inline', payload, text: inlinePayloadText(body, record) } };
}

/**
 * A public-topic message whose payload was too large for SNS says `payload_omitted` instead of
 * pointing at the bucket; the republisher, which may read it, derives the object from GUID and digest.
 */
function withOmittedRef(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || !('payload_omitted' in value)) return value;
  const ref = omittedPayloadRef(value as Record<string, unknown>);
  if (ref === undefined)
    throw new BadMessageError('payload_omitted without a valid payload_sha256 and payload_bytes');
  const { payload_omitted: _omitted, payload_bytes: _bytes, ...rest } = value as Record<string, unknown>;
  return { ...rest, payload_ref: ref };
}

function toRecord(value: unknown): ArchiveRecord {
  try {
    return parseRecord(value);
  } catch (cause) {
    const reason = (cause as { message?: unknown }).message;
    const hint = isSnsEnvelope(value)
      ? ' (an SNS envelope: the subscription needs raw message delivery)'
      : '';
    throw new BadMessageError(`body is not an archive record: ${String(reason)}${hint}`, { cause });
  }
}

const isSnsEnvelope = (value: unknown): boolean =>
  value !== null && typeof value === 'object' && (value as { Type?: unknown }).Type === 'Notification';

/**
 * The payload's original text: the record's last field, found without a parse (payloadTextOf),
 * with ingestion's transport escapes undone and checked against its digest (payloadAsReceived).
 * When the body has another shape (another producer, keys after the payload), it falls back to
 * re-serializing, which is equal as JSON.
 */
function inlinePayloadText(body: string, record: ArchiveRecord): string {
  const candidate = payloadTextOf(body);
  return candidate !== undefined && isSingleObject(candidate)
    ? payloadAsReceived(candidate, record.payload_sha256)
    : JSON.stringify(record.payload);
}

/**
 * Guards against a body with keys after `payload`, where the slice would not be the payload alone.
 * The whole body already parsed as JSON, so a scan for one top-level object is enough: no second
 * parse of the payload.
 */
function isSingleObject(text: string): boolean {
  if (!text.startsWith('{')) return false;
  try {
    return splitConcatenatedJson(text).length === 1;
  } catch {
    return false;
  }
}
