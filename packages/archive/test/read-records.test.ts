import { gzipSync } from 'node:zlib';
import { formatRecordLine } from '@github-webhooks/events';
import { allExamples, exampleOf } from '@github-webhooks/fixtures';
import fc from 'fast-check';
import { type ReadItem, readRecords } from '../src';

const at = (i: number) => new Date(Date.UTC(2026, 10, 28, 15, 0, i));
const lines = allExamples()
  .slice(0, 40)
  .map((e, i) =>
    formatRecordLine(
      { deliveryId: `id-${i}`, event: e.event, receivedAt: at(i), public: false },
      { payloadText: JSON.stringify(e.payload) },
    ),
  );
const ndjson = Buffer.from(lines.join(''));

async function collect(bytes: Buffer, chunkSize = 1 << 16, options = {}): Promise<ReadItem[]> {
  async function* chunks() {
    for (let i = 0; i < bytes.length; i += chunkSize) yield bytes.subarray(i, i + chunkSize);
  }
  const items: ReadItem[] = [];
  for await (const item of readRecords(chunks(), options)) items.push(item);
  return items;
}

const ids = (items: ReadItem[]) =>
  items.map((i) => (i.kind === 'record' ? i.record.delivery_id : `!${i.reason}`));

describe('readRecords', () => {
  it.each([
    ['plain', ndjson],
    ['gzip', gzipSync(ndjson)],
    [
      'gzip members concatenated',
      Buffer.concat([gzipSync(lines.slice(0, 10).join('')), gzipSync(lines.slice(10).join(''))]),
    ],
  ])('reads NDJSON (%s) and hands back each line unchanged', async (_name, bytes) => {
    const items = await collect(bytes, 777);
    expect(ids(items)).toEqual(lines.map((_, i) => `id-${i}`));
    expect(items.map((i) => (i.kind === 'record' ? `${i.line}\n` : ''))).toEqual(lines);
  });

  it('reads the same records whatever the chunking', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 5000 }), fc.boolean(), async (chunkSize, gz) => {
        const items = await collect(gz ? gzipSync(ndjson) : ndjson, chunkSize);
        expect(ids(items)).toEqual(lines.map((_, i) => `id-${i}`));
      }),
      { numRuns: 25 },
    );
  });

  it('reads an empty stream and blank lines as nothing', async () => {
    expect(await collect(Buffer.alloc(0))).toEqual([]);
    expect(await collect(Buffer.from('\n  \r\n\n'))).toEqual([]);
  });

  it('reads a last line without newline, and CRLF', async () => {
    const text = lines.slice(0, 2).join('').replace('\n', '\r\n').trimEnd();
    expect(ids(await collect(Buffer.from(text)))).toEqual(['id-0', 'id-1']);
  });

  // A real push of a public repository: the shape check needs a real payload to make it public.
  const pushBody = { ...exampleOf('push').payload, repository: { full_name: 'o/r', private: false } };
  const original = (i: number, extra: object = {}) =>
    JSON.stringify({ event: 'push', request_id: `original-${i}`, body: pushBody, ...extra });

  it("reads the original system's concatenated records, timed by the object", async () => {
    const fallbackReceivedAt = new Date('2019-05-01T10:20:30.000Z');
    const text =
      original(1) +
      original(2, { received_at: '2019-05-01T10:59:00Z' }) +
      original(3, { body: JSON.stringify({ x: 1 }) });
    const items = await collect(Buffer.from(text), 50, { fallbackReceivedAt });
    expect(
      items.map(
        (i) =>
          i.kind === 'record' && [i.record.delivery_id, i.record.received_at, i.record.public, i.original],
      ),
    ).toEqual([
      ['original-1', '2019-05-01T10:20:30.000Z', true, true],
      ['original-2', '2019-05-01T10:59:00.000Z', true, true],
      ['original-3', '2019-05-01T10:20:30.000Z', false, true],
    ]);
    const first = items[0];
    expect(first?.kind === 'record' && JSON.parse(first.line).payload).toEqual(pushBody);
  });

  it('reads a single record of the original system per line', async () => {
    const items = await collect(Buffer.from(`${original(1)}\n`), 1000, { fallbackReceivedAt: at(0) });
    expect(ids(items)).toEqual(['original-1']);
  });

  it.each([
    ['broken JSON', '{"delivery_id":"x",', 'invalid JSON'],
    ['garbage', 'hello', 'invalid JSON'],
    ['not a record', '{"foo":1}', 'not an archive record'],
    ['invalid record', '{"delivery_id":"x"}', 'record has no event'],
    [
      'an original system record without time',
      original(1),
      "the original system's record has no received_at",
    ],
    [
      'an original system record with a bad body',
      JSON.stringify({ event: 'push', request_id: 'r', body: 'nope' }),
      'not JSON',
    ],
    [
      'an original system record with an array body',
      JSON.stringify({ event: 'push', request_id: 'r', body: [] }),
      'not a JSON object',
    ],
    [
      'an original system record without id',
      JSON.stringify({ event: 'push', request_id: '', body: {} }),
      'needs string event',
    ],
    ['concatenated with a bad one', `${original(1, { received_at: 1 })}{"foo":1}`, 'not an archive record'],
  ])('yields %s as malformed, keeping the good records around it', async (_name, bad, reason) => {
    const text = `${lines[0]}${bad}\n${lines[1]}`;
    const items = await collect(Buffer.from(text));
    expect(items[0]?.kind).toBe('record');
    expect(items.at(-1)?.kind).toBe('record');
    const malformed = items.filter((i) => i.kind === 'malformed');
    expect(malformed).toHaveLength(1);
    expect(malformed[0]).toMatchObject({ kind: 'malformed' });
    expect(malformed[0]?.kind === 'malformed' && malformed[0].reason).toContain(reason);
  });

  it('yields the records before a truncation, then one malformed item for a truncated gzip', async () => {
    const gz = gzipSync(ndjson);
    const items = await collect(gz.subarray(0, Math.floor(gz.length * 0.6)), 1000);
    const last = items.at(-1);
    expect(last?.kind).toBe('malformed');
    expect(last?.kind === 'malformed' && last.reason).toMatch(/gzip/);
    const records = items.filter((i) => i.kind === 'record');
    expect(records.length).toBeGreaterThan(5);
    expect(ids(records)).toEqual(lines.slice(0, records.length).map((_, i) => `id-${i}`));
  });

  it('passes on errors of the source itself', async () => {
    async function* failing() {
      yield Buffer.from(lines[0] ?? '');
      throw new Error('connection reset');
    }
    const read = async () => {
      for await (const _ of readRecords(failing()));
    };
    await expect(read()).rejects.toThrow('connection reset');
  });

  it('detects gzip even when the first chunk is one byte', async () => {
    expect(ids(await collect(gzipSync(ndjson), 1))).toHaveLength(lines.length);
  });
});
