import { gunzipSync, gzipSync, constants as zlibConstants } from 'node:zlib';
import { readRecords } from '@github-webhooks/archive';
import { lineItems, scanItems } from '../src/scan-source';
import { at, example, H10, line, rec } from './support/archive';

async function* chunked(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}
const opener = (bytes: Buffer, size: number) => async () => chunked(bytes, size);

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const record = (i: number) => line(rec(`id-${i}`, at(H10, i), i));
const original = (i: number) =>
  JSON.stringify({ event: example(i).event, request_id: `original-${i}`, body: example(i).payload });
const NBSP = '\u00a0';

const cases: [string, string][] = [
  ['plain NDJSON', [0, 1, 2].map(record).join('')],
  ['CRLF, blank and whitespace lines', `${record(0).replace('\n', '\r\n')}\n   \n\t\n${record(1)}`],
  ['no final newline', `${record(0)}${record(1).trimEnd()}`],
  ['broken lines between records', `${record(0)}{"delivery_id": "x"\nnot json\n${record(1)}`],
  [
    "the original system's records concatenated on one line",
    `${original(3)}${original(4)}${original(5)}\n${record(1)}`,
  ],
  ['two NDJSON records on one line', `${record(0).trimEnd()}${record(1)}${record(2)}`],
  ['Unicode whitespace around a record', `${NBSP}${record(0).trimEnd()}${NBSP}\n${record(1)}`],
  ['a line of Unicode whitespace only', `${NBSP.repeat(9)}\n${record(1)}`],
  ['a line starting with the gzip magic bytes', `\u001f\u008bxx\n${record(1)}`],
];

describe('scanItems and lineItems', () => {
  const fallbackReceivedAt = at(H10, 30);

  it.each(cases)('pass 1 reads %s exactly as readRecords does', async (_name, text) => {
    const bytes = Buffer.from(text);
    for (const input of [bytes, gzipSync(bytes)]) {
      const expected = await collect(readRecords(chunked(input, 1000), { fallbackReceivedAt }));
      const scanned = await collect(scanItems(opener(input, 777), { fallbackReceivedAt }, new Set()));
      expect(scanned.map((s) => s.item)).toEqual(expected);
      expect(scanned.map((s) => s.ordinal)).toEqual(expected.map((_, i) => i));
    }
  });

  it.each(cases)(
    'pass 2 hands back the same record lines at the same ordinals for %s',
    async (_name, text) => {
      const bytes = Buffer.from(text);
      for (const input of [bytes, gzipSync(bytes)]) {
        const irregular = new Set<number>();
        const scanned = await collect(scanItems(opener(input, 500), { fallbackReceivedAt }, irregular));
        const lines = await collect(lineItems(opener(input, 333), { fallbackReceivedAt }, irregular));
        const byOrdinal = new Map(lines.map((l) => [l.ordinal, l.line?.toString()]));
        const records = scanned.filter((s) => s.item.kind === 'record');
        expect(records.length).toBeGreaterThan(0);
        for (const { item, ordinal } of records) {
          expect(byOrdinal.get(ordinal)).toBe((item as { line: string }).line);
        }
        // Same numbering: pass 2 has an ordinal for every item of pass 1 but a trailing gzip failure.
        const last = scanned.at(-1)?.item;
        const failed = last?.kind === 'malformed' && /gzip/.test(last.reason);
        expect(lines.length).toBe(scanned.length - (failed ? 1 : 0));
      }
    },
  );

  it('marks as irregular exactly the lines that are not one plain record', async () => {
    const text = `${record(0)}${original(3)}${original(4)}\n${record(1).trimEnd()}${record(2)}not json\n${NBSP}${record(3)}`;
    const irregular = new Set<number>();
    await collect(scanItems(opener(Buffer.from(text), 64), {}, irregular));
    expect([...irregular].sort()).toEqual([1, 2, 4]);
  });

  it.each([1000, 65536])(
    'salvages every complete line of a truncated gzip stream (read in %i-byte chunks), then one malformed item',
    async (size) => {
      const text = [0, 1, 2, 3].map(record).join('');
      const whole = gzipSync(Buffer.from(text));
      const cut = whole.subarray(0, whole.length - 200);
      const scanned = await collect(scanItems(opener(cut, size), {}, new Set()));
      const records = scanned
        .filter((s) => s.item.kind === 'record')
        .map((s) => (s.item as { line: string }).line);
      const last = scanned.at(-1)?.item as { kind: string; text: string; reason: string };
      // Everything zlib can decompress comes out: its complete lines as records, the rest as the malformed text.
      const decompressible = gunzipSync(cut, { finishFlush: zlibConstants.Z_SYNC_FLUSH }).toString();
      const complete = decompressible.slice(0, decompressible.lastIndexOf('\n'));
      expect(records).toEqual(complete.split('\n'));
      expect(last).toMatchObject({
        kind: 'malformed',
        text: decompressible.slice(complete.length + 1),
        reason: expect.stringMatching(/^corrupt or truncated gzip/),
      });
      expect(records.length).toBeGreaterThan(0);
      // readRecords (the reference reader) recovers no more than this.
      const reference = await collect(readRecords(chunked(cut, size)));
      expect(reference.filter((i) => i.kind === 'record').length).toBeLessThanOrEqual(records.length);
    },
  );
});
