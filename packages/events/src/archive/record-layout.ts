/**
 * The byte layout of a record line, as `recordHead` and `formatRecordLine` write it, read back
 * without a parse: the head (the leading fields, a few hundred bytes) ends where `,"payload":`
 * begins, and the inline payload runs from after it to the line's last `}`. In JSON text neither
 * `,"payload":` nor `"public":false` can stand inside a string (their quotes would be escaped), so
 * the first occurrence of each is the field itself. The one place that knows this layout besides
 * the writer: every reader of record lines that does not parse them whole comes here.
 */

/** What precedes the inline payload in a record line: the head ends where it begins. */
export const PAYLOAD_KEY = ',"payload":';
const PRIVATE_MARK = '"public":false';
const RECEIVED_AT = '"received_at":"';
/** `received_at` is written as `Date.toISOString()` of a year 0–9999: 24 characters. */
const ISO_LENGTH = 24;

/**
 * The marks as bytes, for lines given as bytes: a string needle is encoded again on every search
 * (the archive searches each line it appends three times).
 */
const PAYLOAD_KEY_BYTES = Buffer.from(PAYLOAD_KEY);
const PRIVATE_MARK_BYTES = Buffer.from(PRIVATE_MARK);
const RECEIVED_AT_BYTES = Buffer.from(RECEIVED_AT);

/** A record line as text, or as its UTF-8 bytes (offsets are then byte offsets). */
export type RecordLineInput = string | Buffer;

/** Where the parts of a line with an inline payload lie (offsets into the line). */
export interface RecordSpans {
  /** Where the head ends: the offset of `,"payload":`. */
  readonly headEnd: number;
  /** The payload's JSON text is `[payloadStart, payloadEnd)`, without the spacing around it. */
  readonly payloadStart: number;
  readonly payloadEnd: number;
}

/** Where the head ends (the offset of `,"payload":`); -1 for a line without an inline payload. */
export function headEndOf(line: RecordLineInput): number {
  return typeof line === 'string' ? line.indexOf(PAYLOAD_KEY) : line.indexOf(PAYLOAD_KEY_BYTES);
}

/**
 * Where the head and the inline payload lie; undefined for a line holding no inline payload (a
 * record by reference, or no `}` after the key). The payload is trimmed as JSON text is (bytes) or
 * as `String.prototype.trim` trims (text).
 */
export function recordSpansOf(line: RecordLineInput): RecordSpans | undefined {
  const headEnd = headEndOf(line);
  const close = line.lastIndexOf('}');
  if (headEnd === -1 || close <= headEnd) return undefined;
  const [payloadStart, payloadEnd] = trimmedSpan(line, headEnd + PAYLOAD_KEY.length, close);
  return { headEnd, payloadStart, payloadEnd };
}

/**
 * The head as a JSON object's text (the fields before the payload, closed), to parse on its own;
 * undefined for a line without an inline payload.
 */
export function headTextOf(line: RecordLineInput, headEnd = headEndOf(line)): string | undefined {
  if (headEnd === -1) return undefined;
  return `${typeof line === 'string' ? line.slice(0, headEnd) : line.toString('utf8', 0, headEnd)}}`;
}

/** The inline payload's JSON text exactly as written: for bytes, a view of them (nothing copied). */
export function payloadOf(line: string, spans: RecordSpans): string;
export function payloadOf(line: Buffer, spans: RecordSpans): Buffer;
export function payloadOf(line: RecordLineInput, spans: RecordSpans): string | Buffer;
export function payloadOf(line: RecordLineInput, spans: RecordSpans): string | Buffer {
  return typeof line === 'string'
    ? line.slice(spans.payloadStart, spans.payloadEnd)
    : line.subarray(spans.payloadStart, spans.payloadEnd);
}

/**
 * The payload's JSON text in a record line, without parsing it. Undefined for a line holding no
 * inline payload. The caller checks that the text is one JSON value when the line may come from
 * another producer.
 */
export function payloadTextOf(line: string): string | undefined {
  const spans = recordSpansOf(line);
  return spans === undefined ? undefined : payloadOf(line, spans);
}

/**
 * Whether a record line says it is private, read from its head (the payload is never scanned; a
 * record by reference is a short line, all of it is looked at). An empty line says so too. Only
 * what is certainly private is passed over by the relay; anything else goes to the republisher,
 * which re-checks it.
 */
export function isMarkedPrivate(line: RecordLineInput): boolean {
  if (line.length === 0 || (typeof line === 'string' && line.trim() === '')) return true;
  const headEnd = headEndOf(line);
  const end = headEnd === -1 ? line.length : headEnd;
  const at =
    typeof line === 'string'
      ? line.lastIndexOf(PRIVATE_MARK, end)
      : line.lastIndexOf(PRIVATE_MARK_BYTES, end);
  return at !== -1;
}

/** The record's `received_at`, which the head holds near the start of every line. */
export function receivedAtOf(line: RecordLineInput): Date {
  const at = typeof line === 'string' ? line.indexOf(RECEIVED_AT) : line.indexOf(RECEIVED_AT_BYTES);
  const from = at + RECEIVED_AT.length;
  const text =
    typeof line === 'string'
      ? line.slice(from, from + ISO_LENGTH)
      : line.toString('latin1', from, from + ISO_LENGTH);
  const date = at === -1 ? undefined : new Date(text);
  if (!date || Number.isNaN(date.getTime())) throw new TypeError('archive line has no received_at');
  return date;
}

const isJsonSpace = (c: number | undefined) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

function trimmedSpan(line: RecordLineInput, from: number, to: number): [number, number] {
  if (typeof line === 'string') {
    const text = line.slice(from, to);
    const start = from + text.length - text.trimStart().length;
    return [start, Math.max(start, to - (text.length - text.trimEnd().length))];
  }
  let start = from;
  let stop = to;
  while (start < stop && isJsonSpace(line[start])) start++;
  while (stop > start && isJsonSpace(line[stop - 1])) stop--;
  return [start, stop];
}
