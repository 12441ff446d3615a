import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { classify } from '../privacy/classify';
import { createPrivacyPolicy, type PrivacyPolicy } from '../privacy/policy';
import { ArchiveFormatError, type ArchiveRecord, formatRecordLine, parseRecord } from './record';
import { splitConcatenatedJson } from './split-json';

export type ReadItem =
  | {
      readonly kind: 'record';
      readonly record: ArchiveRecord;
      /** The record as one NDJSON line (no newline): the input line itself when it was already one. */
      readonly line: string;
      readonly legacy: boolean;
    }
  | { readonly kind: 'malformed'; readonly text: string; readonly reason: string };

export interface ReadRecordsOptions {
  /** `received_at` for legacy records that carry none (the original objects' time). */
  readonly fallbackReceivedAt?: Date;
  /** Decides `public` for legacy records. Default: the default allowlist. */
  readonly policy?: PrivacyPolicy;
}

const defaultPolicy = createPrivacyPolicy();

/**
 * Reads archive records from a byte stream: gzip or plain (detected by magic bytes), NDJSON or the
 * original system's concatenated `{"event","request_id","body"}` objects. Lines that cannot be read
 * are yielded as `malformed`, never dropped; a truncated gzip stream ends with a malformed item.
 * Memory is bounded by the longest line.
 */
export async function* readRecords(
  source: AsyncIterable<Uint8Array>,
  options: ReadRecordsOptions = {},
): AsyncGenerator<ReadItem> {
  const context = { policy: options.policy ?? defaultPolicy, fallbackReceivedAt: options.fallbackReceivedAt };
  let carry: Buffer = Buffer.alloc(0);
  try {
    for await (const chunk of await decompressed(source)) {
      let data: Buffer = carry.length === 0 ? chunk : Buffer.concat([carry, chunk]);
      let start = 0;
      for (let nl = data.indexOf(0x0a); nl !== -1; nl = data.indexOf(0x0a, start)) {
        yield* readLine(data.toString('utf8', start, nl), context);
        start = nl + 1;
      }
      data = data.subarray(start);
      carry = data;
    }
  } catch (error) {
    if (!isZlibError(error)) throw error;
    yield {
      kind: 'malformed',
      text: carry.toString('utf8'),
      reason: `corrupt or truncated gzip: ${error.message}`,
    };
    return;
  }
  yield* readLine(carry.toString('utf8'), context);
}

interface LineContext {
  readonly policy: PrivacyPolicy;
  readonly fallbackReceivedAt: Date | undefined;
}

function* readLine(rawLine: string, context: LineContext): Generator<ReadItem> {
  const line = rawLine.trim();
  if (line === '') return;
  let values: unknown[];
  try {
    values = [JSON.parse(line)];
  } catch {
    try {
      values = splitConcatenatedJson(line).map((text) => JSON.parse(text));
    } catch (error) {
      yield { kind: 'malformed', text: line, reason: `invalid JSON: ${(error as Error).message}` };
      return;
    }
  }
  const single = values.length === 1;
  for (const value of values) {
    try {
      yield toItem(value, single ? line : undefined, context);
    } catch (error) {
      if (!(error instanceof ArchiveFormatError)) throw error;
      yield { kind: 'malformed', text: single ? line : JSON.stringify(value), reason: error.message };
    }
  }
}

function toItem(value: unknown, line: string | undefined, context: LineContext): ReadItem {
  const object = value as Record<string, unknown> | null;
  if (object !== null && typeof object === 'object' && 'delivery_id' in object) {
    const record = parseRecord(value);
    return { kind: 'record', record, line: line ?? JSON.stringify(record), legacy: false };
  }
  if (object !== null && typeof object === 'object' && 'request_id' in object && 'body' in object) {
    return fromLegacy(object, context);
  }
  throw new ArchiveFormatError('not an archive record');
}

function fromLegacy(object: Record<string, unknown>, context: LineContext): ReadItem {
  const { event, request_id: deliveryId } = object;
  if (typeof event !== 'string' || typeof deliveryId !== 'string' || deliveryId === '') {
    throw new ArchiveFormatError('legacy record needs string event and request_id');
  }
  const payload = legacyBody(object.body);
  const receivedAt = legacyTime(object.received_at) ?? context.fallbackReceivedAt;
  if (receivedAt === undefined)
    throw new ArchiveFormatError('legacy record has no received_at and no object time');
  const meta = {
    deliveryId,
    event,
    receivedAt,
    public: classify(event, payload, context.policy).public,
  };
  const line = formatRecordLine(meta, { payloadText: JSON.stringify(payload) }).trimEnd();
  return { kind: 'record', record: parseRecord(JSON.parse(line)), line, legacy: true };
}

function legacyBody(body: unknown): Record<string, unknown> {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      throw new ArchiveFormatError('legacy record body is a string that is not JSON');
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ArchiveFormatError('legacy record body is not a JSON object');
  }
  return value as Record<string, unknown>;
}

function legacyTime(value: unknown): Date | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

async function decompressed(source: AsyncIterable<Uint8Array>): Promise<AsyncIterable<Buffer>> {
  const iterator = source[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) return Readable.from([]);
  let head = asBuffer(first.value);
  let pending = head.length < 2 ? await iterator.next() : undefined;
  if (pending !== undefined && !pending.done) {
    head = Buffer.concat([head, pending.value]);
    pending = undefined;
  }
  const rest = (async function* () {
    yield head;
    if (pending?.done) return;
    for (let next = await iterator.next(); !next.done; next = await iterator.next())
      yield asBuffer(next.value);
  })();
  if (head[0] !== 0x1f || head[1] !== 0x8b) return rest;
  const gunzip = createGunzip();
  pipeline(Readable.from(rest), gunzip, () => {
    // Errors surface through iterating `gunzip`.
  });
  return gunzip;
}

const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** By code, not `instanceof`: zlib's errors may come from another realm (as under jest). */
function isZlibError(error: unknown): error is Error {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}
