import { createHash } from 'node:crypto';
import { ArchiveFormatError, parseRecord, parseRecordHead, type RecordHead } from './record';
import { headTextOf, payloadOf, recordSpansOf } from './record-layout';

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
  const spans = recordSpansOf(line);
  const headValue = parseOrUndefined(spans && headTextOf(line, spans.headEnd));
  if (spans !== undefined && headValue !== undefined) {
    const head = parseRecordHead(headValue);
    if (head.format_version !== undefined && head.payload_sha256 !== undefined) {
      const payload = payloadOf(line, spans);
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

function parseOrUndefined(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
