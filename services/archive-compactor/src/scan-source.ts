import { type ReadItem, type ReadRecordsOptions, readRecords } from '@github-webhooks/events';
import { type Line, LineReader, type OpenBytes } from './line-reader';

export interface ScannedItem {
  readonly item: ReadItem;
  /** Position of the item among all items of the object (records and malformed alike). */
  readonly ordinal: number;
}

/**
 * Two bytes fed to readRecords before the lines: they make it read plain text (no gzip magic)
 * whatever the first line holds, and hold no record.
 */
const PRELUDE = Buffer.from('\n\n');

/**
 * Pass 1: every item of an object, parsed by readRecords, with its ordinal. readRecords is fed
 * one line per chunk, so each item is known to come from the line fed last; lines that do not
 * read as exactly one plain NDJSON record or malformed item (legacy records, several values on a
 * line, blank-after-trim) are added to `irregular`: pass 2 reads those lines through readRecords
 * again, all others it copies byte for byte without parsing.
 */
export async function* scanItems(
  open: OpenBytes,
  options: ReadRecordsOptions,
  irregular: Set<number>,
  onRawChunk?: (chunk: Uint8Array) => void,
): AsyncGenerator<ScannedItem> {
  const reader = new LineReader(open, onRawChunk);
  let current: Line | undefined;
  let itemsInLine = 0;
  let braced = true;
  let plain = true;
  const closeLine = () => {
    if (current !== undefined && (itemsInLine !== 1 || !plain)) irregular.add(current.index);
  };
  // A line is plain when it reads as one item, either malformed or a record that is the line
  // itself: not converted from the legacy format, and braced (then JS and ASCII trims agree).
  // readRecords pulls the next line only after handing out every item of the previous one.
  const feed = async function* () {
    yield PRELUDE;
    for await (const line of reader.lines()) {
      closeLine();
      current = line;
      itemsInLine = 0;
      braced = isBraced(line.content);
      plain = true;
      yield line.raw;
    }
  };
  let ordinal = 0;
  for await (const item of readRecords(feed(), options)) {
    itemsInLine++;
    if (item.kind === 'record' && (item.legacy || !braced)) plain = false;
    yield { item, ordinal: ordinal++ };
  }
  closeLine();
  if (reader.failure !== undefined) {
    yield { item: { kind: 'malformed', ...reader.failure }, ordinal: ordinal++ };
  }
}

export interface LineItem {
  readonly ordinal: number;
  /** A record's line (bytes as stored for plain lines), undefined for a malformed item. */
  readonly line: Buffer | string | undefined;
}

/** Pass 2: the same items and ordinals as scanItems, without parsing the plain lines. */
export async function* lineItems(
  open: OpenBytes,
  options: ReadRecordsOptions,
  irregular: ReadonlySet<number>,
): AsyncGenerator<LineItem> {
  const reader = new LineReader(open);
  let ordinal = 0;
  for await (const line of reader.lines()) {
    if (!irregular.has(line.index)) {
      yield { ordinal: ordinal++, line: line.content };
      continue;
    }
    for await (const item of readRecords(chunks(PRELUDE, line.raw), options)) {
      yield { ordinal: ordinal++, line: item.kind === 'record' ? item.line : undefined };
    }
  }
}

/** A plain record line starts with `{` and ends with `}`: then JS trim() and ASCII trim agree. */
const isBraced = (content: Buffer): boolean => content[0] === 0x7b && content[content.length - 1] === 0x7d;

async function* chunks(...parts: Buffer[]): AsyncGenerator<Buffer> {
  yield* parts;
}
