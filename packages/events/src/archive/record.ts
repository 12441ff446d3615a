import { createHash, hash } from 'node:crypto';
import type { InstallationTarget, WebhookPayload } from '../delivery/types';
import { PRIVACY_RULES_VERSION, UNVERSIONED_PRIVACY_RULES } from '../privacy/rules-version';
import { PAYLOAD_KEY, payloadTextOf } from './record-layout';

/**
 * The record format `formatRecordLine` writes. Records without `format_version` are format 1;
 * format 3 added `privacy_rules`.
 */
export const RECORD_FORMAT_VERSION = 3;

/** A payload kept as its own object because it is too large for a Firehose record or SNS message. */
export interface PayloadRef {
  /** Object key, `payloads/<GUID>-<sha256>.json.gz`. */
  readonly key: string;
  /** Size of the uncompressed payload JSON. */
  readonly bytes: number;
  /** Hex SHA-256 of the uncompressed payload JSON. */
  readonly sha256: string;
}

/** One line of the archive (NDJSON). Field names are part of the public format: see docs/archive-format.md. */
export interface ArchiveRecord {
  readonly delivery_id: string;
  readonly event: string;
  /** ISO-8601 UTC with milliseconds. */
  readonly received_at: string;
  readonly hook_id: string | null;
  readonly target: InstallationTarget | null;
  readonly public: boolean;
  /** 2 for records written since it was added; absent (format 1) before. */
  readonly format_version?: number;
  /** Why the delivery is public or private (the privacy rule that decided); null when unknown. */
  readonly privacy?: string | null;
  /** The version of the privacy rules that judged it (PRIVACY_RULES_VERSION); absent before format 3 (version 1). */
  readonly privacy_rules?: number;
  /** `owner/name` of the delivery's repository, or null. */
  readonly repository?: string | null;
  /** The payload's `action`, or null. */
  readonly action?: string | null;
  /** Hex SHA-256 of the payload's JSON text (as inline, or as stored by reference). */
  readonly payload_sha256?: string;
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
  readonly privacy?: string | null | undefined;
  /** The rules version that judged it: this code's (PRIVACY_RULES_VERSION) unless the record says another. */
  readonly privacyRules?: number | undefined;
  readonly repository?: string | null | undefined;
  readonly action?: string | null | undefined;
}

export type RecordBody = { readonly payloadText: string } | { readonly payloadRef: PayloadRef };

export class ArchiveFormatError extends Error {
  override readonly name = 'ArchiveFormatError';
}

/**
 * One newline-terminated NDJSON line (format 2). The leading fields come first in a fixed order and
 * the payload, last, is spliced in unchanged, so writing costs no re-serialization of the payload.
 * `record-layout.ts` reads this layout back without a parse.
 */
export function formatRecordLine(meta: RecordMeta, body: RecordBody): string {
  if ('payloadText' in body) {
    const sha256 = hash('sha256', body.payloadText, 'hex');
    return `${recordHead(meta, sha256)}${PAYLOAD_KEY}${body.payloadText}}\n`;
  }
  return `${recordHead(meta, body.payloadRef.sha256)},"payload_ref":${JSON.stringify(body.payloadRef)}}\n`;
}

/**
 * The same line as `formatRecordLine` with an inline payload, as bytes, built from the payload's
 * own bytes (the UTF-8 of its text, as received): no encoding of the payload text again. `sha256`:
 * the bytes' digest, when the caller has it already.
 */
export function formatRecordBytes(
  meta: RecordMeta,
  payloadBytes: Uint8Array,
  // One-shot, no Hash object: 7.4 against 8.2 µs for 7.7 KB (micro-benchmark, a slow AMD host).
  sha256 = hash('sha256', payloadBytes, 'hex'),
): Buffer {
  const head = `${recordHead(meta, sha256)}${PAYLOAD_KEY}`;
  const headBytes = Buffer.byteLength(head);
  // One allocation, filled in place: this runs once per delivery.
  const line = Buffer.allocUnsafe(headBytes + payloadBytes.byteLength + 2);
  line.write(head, 0);
  line.set(payloadBytes, headBytes);
  line.write('}\n', headBytes + payloadBytes.byteLength);
  return line;
}

/** The leading fields of a record line, up to and with `payload_sha256`, without the closing brace. */
export function recordHead(meta: RecordMeta, sha256: string): string {
  return (
    `{"delivery_id":${JSON.stringify(meta.deliveryId)},"event":${JSON.stringify(meta.event)}` +
    `,"received_at":"${meta.receivedAt.toISOString()}","hook_id":${JSON.stringify(meta.hookId ?? null)}` +
    `,"target":${JSON.stringify(meta.target ?? null)},"public":${meta.public}` +
    `,"format_version":${RECORD_FORMAT_VERSION},"privacy":${JSON.stringify(meta.privacy ?? null)}` +
    `,"privacy_rules":${meta.privacyRules ?? PRIVACY_RULES_VERSION}` +
    `,"repository":${JSON.stringify(meta.repository ?? null)},"action":${JSON.stringify(meta.action ?? null)}` +
    `,"payload_sha256":"${sha256}"`
  );
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
    privacy: record.privacy,
    // Written again (compaction, replay), a record keeps the rules that judged it.
    privacyRules: record.privacy_rules ?? UNVERSIONED_PRIVACY_RULES,
    repository: record.repository,
    action: record.action,
  };
}

/** What tells two deliveries apart: GUID, hook and payload digest (one GUID goes to every hook). */
export function deliveryKey(record: ArchiveRecord, line: string): string {
  const digest =
    record.payload_sha256 ??
    record.payload_ref?.sha256 ??
    createHash('sha256')
      .update(payloadTextOf(line) ?? JSON.stringify(record.payload))
      .digest('hex');
  return deliveryKeyOf(record.delivery_id, record.hook_id ?? null, digest);
}

/**
 * A delivery's identity from its parts (GUID, hook, payload digest): the archive's de-duplication
 * and Pulse's publish ledger key on it, so a redelivery of one delivery is one, and one event sent
 * to two hooks is two.
 */
export const deliveryKeyOf = (
  deliveryId: string,
  hookId: string | null | undefined,
  sha256: string,
): string => `${deliveryId}/${hookId ?? ''}/${sha256.slice(0, 16)}`;

const SHA256 = /^[0-9a-f]{64}$/;
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Validates a parsed line against the format; throws ArchiveFormatError naming the first problem. */
export function parseRecord(value: unknown): ArchiveRecord {
  const head = parseRecordHead(value) as Record<string, unknown>;
  if (isObject(head.payload) === isPayloadRef(head.payload_ref)) {
    throw new ArchiveFormatError('record needs exactly one of payload (an object) and payload_ref');
  }
  return head as unknown as ArchiveRecord;
}

/** A record's fields other than `payload` (a `payload_ref` included, when there is one). */
export type RecordHead = Omit<ArchiveRecord, 'payload'>;

/** Validates every field of a record but the payload; throws ArchiveFormatError naming the first problem. */
export function parseRecordHead(value: unknown): RecordHead {
  if (!isObject(value)) throw new ArchiveFormatError('record is not a JSON object');
  const { delivery_id, event, received_at, hook_id, target, payload_ref } = value;
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
  for (const field of ['privacy', 'repository', 'action'] as const) {
    const v = value[field];
    if (v !== undefined && v !== null && typeof v !== 'string')
      throw new ArchiveFormatError(`record ${field} is invalid`);
  }
  for (const field of ['format_version', 'privacy_rules'] as const) {
    if (value[field] !== undefined && !Number.isInteger(value[field]))
      throw new ArchiveFormatError(`record ${field} is invalid`);
  }
  if (
    value.payload_sha256 !== undefined &&
    !(typeof value.payload_sha256 === 'string' && SHA256.test(value.payload_sha256))
  ) {
    throw new ArchiveFormatError('record payload_sha256 is invalid');
  }
  if (payload_ref !== undefined && !isPayloadRef(payload_ref))
    throw new ArchiveFormatError('record payload_ref is invalid');
  return value as unknown as RecordHead;
}

function isPayloadRef(value: unknown): value is PayloadRef {
  return (
    isObject(value) &&
    typeof value.key === 'string' &&
    typeof value.bytes === 'number' &&
    typeof value.sha256 === 'string' &&
    SHA256.test(value.sha256)
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
