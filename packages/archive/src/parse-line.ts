import {
  ArchiveFormatError,
  type ArchiveRecord,
  classify,
  createPrivacyPolicy,
  formatRecordLine,
  type PrivacyPolicy,
  parseRecord,
  splitConcatenatedJson,
} from '@github-webhooks/events';

export type ReadItem =
  | {
      readonly kind: 'record';
      readonly record: ArchiveRecord;
      /** The record as one NDJSON line (no newline): the input line itself when it was already one. */
      readonly line: string;
      /** Converted from the original system's `{"event","request_id","body"}` format. */
      readonly original: boolean;
    }
  | { readonly kind: 'malformed'; readonly text: string; readonly reason: string };

export interface ParseOptions {
  /** `received_at` for the original system's records that carry none (their object's time). */
  readonly fallbackReceivedAt?: Date | undefined;
  /** Decides `public` for the original system's records. Default: the default allowlist. */
  readonly policy?: PrivacyPolicy;
}

/** Made on first use: only the original system's records need it, and a cold start should not pay for it. */
let defaultPolicy: PrivacyPolicy | undefined;
function policyOf(options: ParseOptions): PrivacyPolicy {
  if (options.policy !== undefined) return options.policy;
  defaultPolicy ??= createPrivacyPolicy();
  return defaultPolicy;
}

/**
 * The items of one line of an archive object: one record (NDJSON), several (the original system's
 * objects written back to back), or a malformed item saying why it cannot be read. Never throws
 * for bad data; blank lines hold nothing.
 */
export function parseLine(rawLine: string, options: ParseOptions = {}): ReadItem[] {
  const line = rawLine.trim();
  if (line === '') return [];
  let values: unknown[];
  try {
    values = [JSON.parse(line)];
  } catch {
    try {
      values = splitConcatenatedJson(line).map((text) => JSON.parse(text));
    } catch (error) {
      return [{ kind: 'malformed', text: line, reason: `invalid JSON: ${(error as Error).message}` }];
    }
  }
  const single = values.length === 1;
  return values.map((value) => {
    try {
      return toItem(value, single ? line : undefined, options);
    } catch (error) {
      if (!(error instanceof ArchiveFormatError)) throw error;
      return { kind: 'malformed', text: single ? line : JSON.stringify(value), reason: error.message };
    }
  });
}

function toItem(value: unknown, line: string | undefined, options: ParseOptions): ReadItem {
  const object = value as Record<string, unknown> | null;
  if (object !== null && typeof object === 'object' && 'delivery_id' in object) {
    const record = parseRecord(value);
    return { kind: 'record', record, line: line ?? JSON.stringify(record), original: false };
  }
  if (object !== null && typeof object === 'object' && 'request_id' in object && 'body' in object) {
    return fromOriginalRecord(object, options);
  }
  throw new ArchiveFormatError('not an archive record');
}

function fromOriginalRecord(object: Record<string, unknown>, options: ParseOptions): ReadItem {
  const { event, request_id: deliveryId } = object;
  if (typeof event !== 'string' || typeof deliveryId !== 'string' || deliveryId === '') {
    throw new ArchiveFormatError("the original system's record needs string event and request_id");
  }
  const payload = originalBody(object.body);
  const receivedAt = originalTime(object.received_at) ?? options.fallbackReceivedAt;
  if (receivedAt === undefined)
    throw new ArchiveFormatError("the original system's record has no received_at and no object time");
  const meta = {
    deliveryId,
    event,
    receivedAt,
    public: classify(event, payload, policyOf(options)).public,
  };
  const line = formatRecordLine(meta, { payloadText: JSON.stringify(payload) }).trimEnd();
  return { kind: 'record', record: parseRecord(JSON.parse(line)), line, original: true };
}

function originalBody(body: unknown): Record<string, unknown> {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      throw new ArchiveFormatError("the original system's record body is a string that is not JSON");
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ArchiveFormatError("the original system's record body is not a JSON object");
  }
  return value as Record<string, unknown>;
}

function originalTime(value: unknown): Date | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
