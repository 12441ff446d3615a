import {
  LineReader,
  type OpenBytes,
  type ParseOptions,
  parseLine,
  type ReadItem,
} from '@github-webhooks/archive';

export interface ScannedItem {
  readonly item: ReadItem;
  /** Position of the item among all items of the object (records and malformed alike). */
  readonly ordinal: number;
}

/**
 * Pass 1: every item of an object, parsed, with its ordinal. Lines that do not read as exactly one
 * plain NDJSON record or one malformed item (the original system's records, several values on a
 * line, blank after trimming Unicode whitespace, a record that is not the line itself) are added to
 * `irregular`: pass 2 parses those lines again, all others it copies byte for byte without parsing.
 */
export async function* scanItems(
  open: OpenBytes,
  options: ParseOptions,
  irregular: Set<number>,
  onRawChunk?: (chunk: Uint8Array) => void,
): AsyncGenerator<ScannedItem> {
  const reader = new LineReader(open, onRawChunk === undefined ? {} : { onRawChunk });
  let ordinal = 0;
  for await (const line of reader.lines()) {
    const items = parseLine(line.content.toString('utf8'), options);
    if (!isPlain(items, line.content)) irregular.add(line.index);
    for (const item of items) yield { item, ordinal: ordinal++ };
  }
  if (reader.failure !== undefined) {
    yield { item: { kind: 'malformed', ...reader.failure }, ordinal: ordinal++ };
  }
}

/**
 * One item, either malformed or a record that is the line itself: not converted from the original
 * system's format, and braced (then trimming Unicode and ASCII whitespace agree, so the bytes are
 * the record).
 */
function isPlain(items: readonly ReadItem[], content: Buffer): boolean {
  const [only] = items;
  if (items.length !== 1 || only === undefined) return false;
  return (
    only.kind === 'malformed' ||
    (!only.original && content[0] === 0x7b && content[content.length - 1] === 0x7d)
  );
}

export interface LineItem {
  readonly ordinal: number;
  /** A record's line (bytes as stored for plain lines), undefined for a malformed item. */
  readonly line: Buffer | string | undefined;
}

/** Pass 2: the same items and ordinals as scanItems, without parsing the plain lines. */
export async function* lineItems(
  open: OpenBytes,
  options: ParseOptions,
  irregular: ReadonlySet<number>,
): AsyncGenerator<LineItem> {
  const reader = new LineReader(open);
  let ordinal = 0;
  for await (const line of reader.lines()) {
    if (!irregular.has(line.index)) {
      yield { ordinal: ordinal++, line: line.content };
      continue;
    }
    for (const item of parseLine(line.content.toString('utf8'), options)) {
      yield { ordinal: ordinal++, line: item.kind === 'record' ? item.line : undefined };
    }
  }
}
