import { createHash } from 'node:crypto';
import { ArchiveFormatError, PAYLOAD_KEY, parseRecord, parseRecordHead, type RecordHead } from './record';

export interface RecordLineParts {
  readonly head: RecordHead;
  /**
   * The inline payload's JSON, exactly as written: bytes when the line was given as bytes, text
   * otherwise; undefined for a record by reference.
   */
  readonly payload: string | Buffer | undefined;
}

/**
 * A format-2 record line taken apart without parsing its payload: the fields before `"payload"`
 * are parsed (a few hundred bytes), the payload is sliced out and checked against the record's
 * `payload_sha256`, which proves it is exactly what ingestion verified and hashed. Given as bytes,
 * nothing of the payload is decoded or copied. Lines of format 1, or not laid out as
 * `formatRecordLine` writes, are parsed whole.
 */
export function splitRecordLine(line: string | Buffer): RecordLineParts {
  const at = line.indexOf(PAYLOAD_KEY);
  const end = line.lastIndexOf('}');
  const headText =
    at === -1 || end <= at
      ? undefined
      : typeof line === 'string'
        ? line.slice(0, at)
        : line.toString('utf8', 0, at);
  const headValue = headText === undefined ? undefined : parseOrUndefined(`${headText}}`);
  if (headValue !== undefined) {
    const head = parseRecordHead(headValue);
    if (head.format_version !== undefined && head.payload_sha256 !== undefined) {
      const payload = trimmed(line, at + PAYLOAD_KEY.length, end);
      const digest = createHash('sha256').update(payload).digest('hex');
      if (digest !== head.payload_sha256)
        throw new ArchiveFormatError('record payload does not match its payload_sha256');
      return { head, payload };
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(typeof line === 'string' ? line : line.toString('utf8'));
  } catch (cause) {
    throw new ArchiveFormatError('record line is not JSON', { cause });
  }
  const { payload, ...head } = parseRecord(value);
  return { head, payload: payload === undefined ? undefined : JSON.stringify(payload) };
}

const isSpace = (c: number | undefined) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

function trimmed(line: string | Buffer, from: number, to: number): string | Buffer {
  if (typeof line === 'string') return line.slice(from, to).trim();
  let start = from;
  let stop = to;
  while (start < stop && isSpace(line[start])) start++;
  while (stop > start && isSpace(line[stop - 1])) stop--;
  return line.subarray(start, stop);
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
