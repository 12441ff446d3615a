import type { InstallationTarget, WebhookPayload } from '../delivery/types';

/** A payload kept as its own object because it is too large for a Firehose record or SNS message. */
export interface PayloadRef {
  /** Object key, `payloads/<GUID>.json.gz`. */
  readonly key: string;
  /** Size of the uncompressed payload JSON. */
  readonly bytes: number;
  /** Hex SHA-256 of the uncompressed payload JSON. */
  readonly sha256: string;
}

/** One line of the archive (NDJSON). Field names are part of the public format: see the README. */
export interface ArchiveRecord {
  readonly delivery_id: string;
  readonly event: string;
  /** ISO-8601 UTC with milliseconds. */
  readonly received_at: string;
  readonly hook_id: string | null;
  readonly target: InstallationTarget | null;
  readonly public: boolean;
  readonly payload?: WebhookPayload;
  readonly payload_ref?: PayloadRef;
}

export interface RecordMeta {
  readonly deliveryId: string;
  readonly event: string;
  readonly receivedAt: Date;
  readonly hookId?: string | undefined;
  readonly target?: InstallationTarget | undefined;
  readonly public: boolean;
}

export type RecordBody = { readonly payloadText: string } | { readonly payloadRef: PayloadRef };

export class ArchiveFormatError extends Error {
  override readonly name = 'ArchiveFormatError';
}

/**
 * One newline-terminated NDJSON line. The leading fields come first in a fixed order and the
 * payload text is spliced in unchanged, so writing costs no re-serialization of the payload.
 */
export function formatRecordLine(meta: RecordMeta, body: RecordBody): string {
  const head =
    `{"delivery_id":${JSON.stringify(meta.deliveryId)},"event":${JSON.stringify(meta.event)}` +
    `,"received_at":"${meta.receivedAt.toISOString()}","hook_id":${JSON.stringify(meta.hookId ?? null)}` +
    `,"target":${JSON.stringify(meta.target ?? null)},"public":${meta.public}`;
  const tail =
    'payloadText' in body
      ? `"payload":${body.payloadText}`
      : `"payload_ref":${JSON.stringify(body.payloadRef)}`;
  return `${head},${tail}}\n`;
}

/** The fields of a parsed record in the form `formatRecordLine` takes, to write it again. */
export function recordMeta(record: ArchiveRecord): RecordMeta {
  return {
    deliveryId: record.delivery_id,
    event: record.event,
    receivedAt: new Date(record.received_at),
    hookId: record.hook_id ?? undefined,
    target: record.target ?? undefined,
    public: record.public,
  };
}

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Validates a parsed line against the format; throws ArchiveFormatError naming the first problem. */
export function parseRecord(value: unknown): ArchiveRecord {
  if (!isObject(value)) throw new ArchiveFormatError('record is not a JSON object');
  const { delivery_id, event, received_at, hook_id, target, payload, payload_ref } = value;
  if (typeof delivery_id !== 'string' || delivery_id === '')
    throw new ArchiveFormatError('record has no delivery_id');
  if (typeof event !== 'string' || event === '') throw new ArchiveFormatError('record has no event');
  if (typeof received_at !== 'string' || !ISO_MS.test(received_at) || Number.isNaN(Date.parse(received_at))) {
    throw new ArchiveFormatError('record has no valid received_at');
  }
  if (hook_id !== null && typeof hook_id !== 'string')
    throw new ArchiveFormatError('record hook_id is invalid');
  if (
    target !== null &&
    !(isObject(target) && typeof target.type === 'string' && typeof target.id === 'string')
  ) {
    throw new ArchiveFormatError('record target is invalid');
  }
  if (typeof value.public !== 'boolean') throw new ArchiveFormatError('record has no public flag');
  if (isObject(payload) === isPayloadRef(payload_ref)) {
    throw new ArchiveFormatError('record needs exactly one of payload (an object) and payload_ref');
  }
  return value as unknown as ArchiveRecord;
}

function isPayloadRef(value: unknown): value is PayloadRef {
  return (
    isObject(value) &&
    typeof value.key === 'string' &&
    typeof value.bytes === 'number' &&
    typeof value.sha256 === 'string' &&
    /^[0-9a-f]{64}$/.test(value.sha256)
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
