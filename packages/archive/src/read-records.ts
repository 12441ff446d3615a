import { LineReader, type OpenBytes } from './line-reader';
import { type ParseOptions, parseLine, type ReadItem } from './parse-line';

/**
 * Reads archive records from an object: gzip or plain (by its magic bytes), NDJSON or the original
 * system's concatenated objects. Lines that cannot be read are yielded as `malformed`, never
 * dropped; a truncated gzip stream ends with one malformed item (given a way to open the object
 * again, everything zlib can still decompress is read first). Memory is bounded by the longest line.
 */
export async function* readRecords(
  source: AsyncIterable<Uint8Array> | OpenBytes,
  options: ParseOptions = {},
): AsyncGenerator<ReadItem> {
  const reader =
    typeof source === 'function'
      ? new LineReader(source)
      : new LineReader(async () => source, { salvage: false });
  for await (const line of reader.lines()) yield* parseLine(line.content.toString('utf8'), options);
  if (reader.failure !== undefined) yield { kind: 'malformed', ...reader.failure };
}
