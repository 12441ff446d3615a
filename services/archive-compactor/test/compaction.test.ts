import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { readRecords } from '@github-webhooks/archive';
import { formatRecordLine, hourLabel, legacyPayloadKey } from '@github-webhooks/events';
import type { ObjectStore } from '@github-webhooks/object-store';
import { compactHour, compactPending, importLegacy, type ProgressEvent, quarantineKey } from '../src';
import {
  at,
  example,
  fsStores,
  gz,
  H10,
  HOUR,
  hourlyLines,
  idsOf,
  keys,
  line,
  MINUTE,
  manifestOf,
  mutations,
  payloadObject,
  rawKey,
  rec,
  recording,
  s3Stores,
  type TestRecord,
} from './support/archive';

const H9 = new Date(H10.getTime() - HOUR);
const H11 = new Date(H10.getTime() + HOUR);
const LATER = new Date(H10.getTime() + 6 * HOUR);
const ndjson = (records: readonly TestRecord[]) => records.map((r) => line(r)).join('');
const trimmed = (records: readonly TestRecord[]) => records.map((r) => line(r).trimEnd());

/** Objects of three prefixes: straddling records, duplicates, gzip and plain, out of order. */
async function seed(store: ObjectStore) {
  const records = {
    a1: rec('a1', at(H9, 50), 1),
    a2: rec('a2', at(H9, 59, 59_900), 2),
    b0: rec('b0', at(H10, 0, 100), 3),
    b1: rec('b1', at(H10, 10), 4),
    d: rec('d', at(H10, 20), 5),
    dLater: rec('d', at(H10, 25), 5),
    b2: rec('b2', at(H10, 30), 6),
    b3: rec('b3', at(H10, 59, 59_999), 7),
    c1: rec('c1', at(H11, 0, 50), 8),
  };
  const r = records;
  const objects = {
    // Prefix 09 holds records of 09 and of 10.
    A: { key: rawKey(H9, 'A'), body: gz(ndjson([r.a1, r.a2, r.b0])) },
    // Plain (not gzipped) NDJSON, holding records of 10 and 11.
    B: { key: rawKey(H10, 'B'), body: Buffer.from(ndjson([r.b2, r.d, r.b3, r.c1])) },
    // A later duplicate of d, and a record older than the rest of the object.
    C: { key: rawKey(H10, 'C'), body: gz(ndjson([r.dLater, r.b1])) },
  };
  for (const o of Object.values(objects)) await store.write(o.key, o.body);
  return { records, objects };
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe.each([fsStores(), s3Stores()])('compaction on $name', (stores) => {
  let store: ObjectStore & { getTags?(key: string): Promise<Record<string, string>> };
  beforeEach(async () => {
    store = await stores.make();
  });
  afterAll(() => stores.cleanup());

  it('writes one deduplicated, ordered file per hour from the hour prefix and the one before', async () => {
    const { records: r, objects } = await seed(store);
    const report = await compactPending({ store, now: LATER, latenessMs: 0 });

    expect(await hourlyLines(store, 'hourly/2026/11/28/09.ndjson.gz')).toEqual(trimmed([r.a1, r.a2]));
    // Lines are the stored bytes, first arrival of d (10:20, object B) kept, order by received_at.
    expect(await hourlyLines(store, 'hourly/2026/11/28/10.ndjson.gz')).toEqual(
      trimmed([r.b0, r.b1, r.d, r.b2, r.b3]),
    );
    expect(await hourlyLines(store, 'hourly/2026/11/28/11.ndjson.gz')).toEqual(trimmed([r.c1]));
    expect(report).toMatchObject({ hoursCompacted: 3, newRecords: 8, duplicatesDropped: 1, quarantined: 0 });
    expect(report.rawDeleted).toBe(3);
    expect(await keys(store, 'raw/')).toEqual([]);
    expect(objects.A.key).toBeDefined();
  });

  it('describes each hourly file in its manifest', async () => {
    const { records: r, objects } = await seed(store);
    await compactPending({ store, now: LATER, latenessMs: 0 });
    const file = await store.readAll('hourly/2026/11/28/10.ndjson.gz');
    const manifest = await manifestOf(store, '2026/11/28/10');
    expect(manifest).toMatchObject({
      format: 'github-webhooks/hourly-manifest',
      format_version: 1,
      hour: '2026-11-28T10',
      key: 'hourly/2026/11/28/10.ndjson.gz',
      version: 1,
      compacted_at: LATER.toISOString(),
      records: 5,
      compressed_bytes: file.length,
      uncompressed_bytes: gunzipSync(file).length,
      sha256: sha256(file),
      first_received_at: r.b0.receivedAt.toISOString(),
      last_received_at: r.b3.receivedAt.toISOString(),
      duplicates_dropped: 1,
      quarantined: 0,
    });
    expect(manifest.sources).toEqual([
      {
        key: objects.A.key,
        size: objects.A.body.length,
        records: 1,
        quarantined: 0,
        hours: ['2026-11-28T09', '2026-11-28T10'],
      },
      {
        key: objects.B.key,
        size: objects.B.body.length,
        records: 3,
        quarantined: 0,
        hours: ['2026-11-28T10', '2026-11-28T11'],
      },
      {
        key: objects.C.key,
        size: objects.C.body.length,
        records: 2,
        quarantined: 0,
        hours: ['2026-11-28T10'],
      },
    ]);
  });

  it('keeps a raw object until every hour it holds is compacted, and leaves open hours alone', async () => {
    const { objects } = await seed(store);
    // Hour 10 closes 1 h + buffer + lateness after it starts; hour 11 is still open.
    const now = new Date(H11.getTime() + 15 * MINUTE + 5 * MINUTE);
    const first = await compactPending({ store, now, latenessMs: 5 * MINUTE, bufferMs: 15 * MINUTE });
    expect(first.hours.map((h) => h.hour)).toEqual(['2026-11-28T09', '2026-11-28T10']);
    expect(await keys(store, 'raw/')).toEqual([objects.B.key]);
    expect(await keys(store, 'hourly/2026/11/28/11')).toEqual([]);

    const notYet = new Date(now.getTime() + HOUR - 1);
    expect(
      (await compactPending({ store, now: notYet, latenessMs: 5 * MINUTE, bufferMs: 15 * MINUTE })).hours,
    ).toEqual([]);
    const second = await compactPending({
      store,
      now: new Date(notYet.getTime() + 1),
      latenessMs: 5 * MINUTE,
      bufferMs: 15 * MINUTE,
    });
    expect(second.hours.map((h) => [h.hour, h.status])).toEqual([['2026-11-28T11', 'compacted']]);
    expect(second.rawDeleted).toBe(1);
    expect(await keys(store, 'raw/')).toEqual([]);
  });

  it('changes nothing when rerun on a finished hour', async () => {
    await seed(store);
    await compactPending({ store, now: LATER, latenessMs: 0 });
    const before = await store.readAll('hourly/2026/11/28/10.ndjson.gz');
    const manifestBefore = await store.readAll('manifests/2026/11/28/10.manifest.json');
    const { store: watched, calls } = recording(store);
    const rerun = await compactPending({
      store: watched,
      now: new Date(LATER.getTime() + HOUR),
      latenessMs: 0,
    });
    expect(rerun).toMatchObject({ hours: [], hoursCompacted: 0, rawDeleted: 0, newRecords: 0 });
    expect(mutations(calls)).toEqual([]);
    const direct = await compactHour({ store: watched, hour: H10, now: LATER });
    expect(direct.status).toBe('unchanged');
    expect(mutations(calls)).toEqual([]);
    expect(await store.readAll('hourly/2026/11/28/10.ndjson.gz')).toEqual(before);
    expect(await store.readAll('manifests/2026/11/28/10.manifest.json')).toEqual(manifestBefore);
  });

  it('reads manifests an earlier version left in hourly/, compacts nothing again, and moves them out', async () => {
    await seed(store);
    await compactPending({ store, now: LATER, latenessMs: 0 });
    const labels = ['2026/11/28/09', '2026/11/28/10', '2026/11/28/11'];
    const manifests = new Map<string, Buffer>();
    for (const label of labels) {
      // As the earlier layout had it: the manifest beside its file, in hourly/.
      const body = await store.readAll(`manifests/${label}.manifest.json`);
      manifests.set(label, body);
      await store.write(`hourly/${label}.manifest.json`, body);
      await store.delete([`manifests/${label}.manifest.json`]);
    }
    const before = await store.readAll('hourly/2026/11/28/10.ndjson.gz');
    const rerun = await compactPending({ store, now: new Date(LATER.getTime() + HOUR), latenessMs: 0 });
    expect(rerun).toMatchObject({ hoursCompacted: 0, newRecords: 0 });
    expect(await store.readAll('hourly/2026/11/28/10.ndjson.gz')).toEqual(before);
    expect((await keys(store, 'hourly/')).filter((k) => k.endsWith('.manifest.json'))).toEqual([]);
    for (const label of labels)
      expect(JSON.parse((await store.readAll(`manifests/${label}.manifest.json`)).toString())).toEqual(
        JSON.parse((manifests.get(label) as Buffer).toString()),
      );
  });

  it('reports the age of the oldest raw object it leaves (an hour still open)', async () => {
    const now = new Date();
    await store.write(
      rawKey(new Date(Math.floor(now.getTime() / HOUR) * HOUR), 'open'),
      gz(ndjson([rec('o', now, 1)])),
    );
    const counts = new Map<string, number>();
    await compactPending({
      store,
      now: new Date(now.getTime() + 10 * MINUTE),
      latenessMs: HOUR,
      metrics: { count: (name, value = 1) => counts.set(name, value) },
    });
    expect(await keys(store, 'raw/')).toHaveLength(1);
    expect(counts.get('OldestRawAgeSeconds')).toBeGreaterThanOrEqual(590);
    expect(counts.get('OldestRawAgeSeconds')).toBeLessThanOrEqual(630);
  });

  it('merges late data into a new version of a compacted hour', async () => {
    const { records: r } = await seed(store);
    await compactPending({ store, now: LATER, latenessMs: 0 });
    const late = [rec('late', at(H10, 15), 9), r.b2];
    const lateKey = rawKey(H10, 'late');
    await store.write(lateKey, gz(ndjson(late)));

    const report = await compactPending({ store, now: new Date(LATER.getTime() + HOUR), latenessMs: 0 });
    expect(report.hours.map((h) => [h.hour, h.status, h.version])).toEqual([['2026-11-28T10', 'merged', 2]]);
    expect(report).toMatchObject({ newRecords: 1, duplicatesDropped: 1, rawDeleted: 1 });
    expect(await hourlyLines(store, 'hourly/2026/11/28/10.ndjson.gz')).toEqual(
      trimmed([r.b0, r.b1, late[0] as TestRecord, r.d, r.b2, r.b3]),
    );
    const manifest = await manifestOf(store, '2026/11/28/10');
    expect(manifest).toMatchObject({ version: 2, records: 6, duplicates_dropped: 2 });
    expect(manifest.sources.map((s) => s.key)).toContain(lateKey);
    expect(await keys(store, 'raw/')).toEqual([]);
  });

  it('only updates the manifest when a late object brings nothing new', async () => {
    const { records: r } = await seed(store);
    await compactPending({ store, now: LATER, latenessMs: 0 });
    const before = await store.readAll('hourly/2026/11/28/10.ndjson.gz');
    await store.write(rawKey(H10, 'retry'), gz(ndjson([r.b1, r.b2])));
    const report = await compactPending({ store, now: LATER, latenessMs: 0 });
    expect(report.hours.map((h) => [h.hour, h.status, h.version])).toEqual([
      ['2026-11-28T10', 'sources-added', 1],
    ]);
    expect(await store.readAll('hourly/2026/11/28/10.ndjson.gz')).toEqual(before);
    expect(await manifestOf(store, '2026/11/28/10')).toMatchObject({
      version: 1,
      records: 5,
      duplicates_dropped: 3,
    });
    expect(await keys(store, 'raw/')).toEqual([]);
  });

  it('merges a record that arrived after the hour boundary (in the next prefix) into its hour', async () => {
    const early = rec('e1', at(H10, 30), 1);
    const straggler = rec('s1', at(H10, 59, 59_990), 2);
    const next = rec('n1', at(H11, 0, 200), 3);
    await store.write(rawKey(H10, 'x'), gz(ndjson([early])));
    // Firehose received s1 after 11:00, so its object is in prefix 11.
    await store.write(rawKey(H11, 'y'), gz(ndjson([straggler, next])));
    const report = await compactPending({ store, now: LATER, latenessMs: 0 });
    expect(report.hours.map((h) => [h.hour, h.status])).toEqual([
      ['2026-11-28T10', 'compacted'],
      ['2026-11-28T11', 'compacted'],
      ['2026-11-28T10', 'merged'],
    ]);
    expect(await hourlyLines(store, 'hourly/2026/11/28/10.ndjson.gz')).toEqual(trimmed([early, straggler]));
    expect(await hourlyLines(store, 'hourly/2026/11/28/11.ndjson.gz')).toEqual(trimmed([next]));
    expect(await keys(store, 'raw/')).toEqual([]);
    expect((await compactPending({ store, now: LATER, latenessMs: 0 })).hours).toEqual([]);
  });

  it('tags raw objects for expiry instead of deleting them, once', async () => {
    const { objects } = await seed(store);
    const tags = { 'archive-compactor': 'compacted' };
    const report = await compactPending({ store, now: LATER, latenessMs: 0, disposal: 'tag' });
    expect(report).toMatchObject({ rawTagged: 3, rawDeleted: 0 });
    expect(await keys(store, 'raw/')).toEqual([objects.A.key, objects.B.key, objects.C.key].sort());
    for (const o of Object.values(objects)) expect(await store.getTags?.(o.key)).toEqual(tags);
    expect(
      (await manifestOf(store, '2026/11/28/10')).sources.filter((s) => s.tagged).map((s) => s.key),
    ).toEqual([objects.B.key, objects.C.key]);
    const { store: watched, calls } = recording(store);
    expect(
      await compactPending({ store: watched, now: LATER, latenessMs: 0, disposal: 'tag' }),
    ).toMatchObject({
      rawTagged: 0,
      hours: [],
    });
    expect(mutations(calls)).toEqual([]);
  });

  it('quarantines broken lines and a truncated gzip tail, counts them, and still disposes the object', async () => {
    const good = rec('good', at(H10, 5), 1);
    const big = rec('big', at(H10, 6), 10);
    const broken = line(rec('broken', at(H10, 7), 2)).slice(0, 200);
    const lines = [
      line(good),
      `${broken}\n`,
      'not json at all\n',
      '{"delivery_id":"no-fields"}\n',
      line(big),
    ];
    const whole = gz(lines.join(''));
    const key = rawKey(H10, 'corrupt');
    await store.write(key, whole.subarray(0, whole.length - 400));

    const report = await compactPending({ store, now: LATER, latenessMs: 0 });
    expect(report).toMatchObject({ quarantined: 4, rawDeleted: 1 });
    expect(await hourlyLines(store, 'hourly/2026/11/28/10.ndjson.gz')).toEqual(trimmed([good]));
    expect((await manifestOf(store, '2026/11/28/10')).quarantined).toBe(4);
    const qKey = quarantineKey(H10, key);
    expect(qKey).toMatch(/^quarantine\/2026\/11\/28\/10\/github-webhooks-1-corrupt-[0-9a-f]{8}\.ndjson$/);
    const entries = (await store.readAll(qKey))
      .toString()
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { source: string; hour: string; reason: string; text: string });
    expect(entries.map((e) => [e.source, e.hour])).toEqual(Array(4).fill([key, '2026-11-28T10']));
    expect(entries.map((e) => e.text.slice(0, 40))).toEqual([
      broken.slice(0, 40),
      'not json at all',
      '{"delivery_id":"no-fields"}',
      line(big).slice(0, 40),
    ]);
    expect(entries[3]?.reason).toMatch(/^corrupt or truncated gzip/);
    expect(await keys(store, 'raw/')).toEqual([]);
  });

  it('puts oversize payloads inline and quarantines references that do not resolve', async () => {
    const inline = rec('inline', at(H10, 1), 11);
    const refd = rec('refd', at(H10, 2), 12);
    const missing = rec('missing', at(H10, 3), 13);
    const tampered = rec('tampered', at(H10, 4), 14);
    const stored = payloadObject('refd', 12);
    await store.write(stored.ref.key, stored.body);
    const wrong = payloadObject('tampered', 14);
    await store.write(wrong.ref.key, payloadObject('tampered', 15).body);
    const lines = [
      line(inline),
      line(refd, { payloadRef: stored.ref }),
      line(missing, { payloadRef: payloadObject('missing', 13).ref }),
      line(tampered, { payloadRef: wrong.ref }),
    ];
    const key = rawKey(H10, 'refs');
    await store.write(key, gz(lines.join('')));

    const report = await compactPending({ store, now: LATER, latenessMs: 0 });
    expect(report).toMatchObject({ quarantined: 2, newRecords: 2 });
    // Self-contained: the reference replaced by the payload it points to.
    expect(await hourlyLines(store, 'hourly/2026/11/28/10.ndjson.gz')).toEqual(trimmed([inline, refd]));
    expect(JSON.parse(line(refd)).payload).toEqual(example(12).payload);
    expect(await keys(store, 'payloads/')).toEqual([stored.ref.key, wrong.ref.key].sort());
    const reasons = (await store.readAll(quarantineKey(H10, key)))
      .toString()
      .trimEnd()
      .split('\n')
      .map((l) => (JSON.parse(l) as { reason: string }).reason);
    expect(reasons).toEqual([
      `payload object ${payloadObject('missing', 13).ref.key} does not exist`,
      expect.stringMatching(/tampered/),
    ]);
  });

  it('keeps two different deliveries sharing a GUID (one event, two hooks), and drops the redelivery of one', async () => {
    const toHook = (hookId: string, n: number, minute: number) =>
      formatRecordLine(
        {
          deliveryId: 'shared-guid',
          event: example(n).event,
          receivedAt: at(H10, minute),
          public: true,
          hookId,
        },
        { payloadText: JSON.stringify(example(n).payload) },
      );
    const first = toHook('123', 1, 1);
    const second = toHook('456', 2, 2);
    const redelivered = toHook('123', 1, 3);
    await store.write(rawKey(H10, 'hooks'), gz(first + second + redelivered));
    const report = await compactPending({ store, now: LATER, latenessMs: 0 });
    expect(report).toMatchObject({ newRecords: 2, duplicatesDropped: 1 });
    expect(await hourlyLines(store, 'hourly/2026/11/28/10.ndjson.gz')).toEqual([
      first.trimEnd(),
      second.trimEnd(),
    ]);
  });

  it('reads payload objects stored under the key form of format 1 (payloads/<GUID>.json.gz)', async () => {
    const old = rec('old-form', at(H10, 1), 12);
    const stored = payloadObject('old-form', 12);
    const ref = { ...stored.ref, key: legacyPayloadKey('old-form') };
    await store.write(ref.key, stored.body);
    await store.write(rawKey(H10, 'old'), gz(line(old, { payloadRef: ref })));
    expect(await compactPending({ store, now: LATER, latenessMs: 0 })).toMatchObject({
      newRecords: 1,
      quarantined: 0,
    });
    expect(
      JSON.parse((await hourlyLines(store, 'hourly/2026/11/28/10.ndjson.gz'))[0] ?? '{}').payload,
    ).toEqual(example(12).payload);
  });

  it.each([
    ['AccessDenied', 403],
    ['SlowDown', 503],
  ])(
    'fails the hour (retryably) and deletes nothing when a payload object cannot be read: %s',
    async (name, status) => {
      const refd = rec('unreadable', at(H10, 2), 12);
      const stored = payloadObject('unreadable', 12);
      await store.write(stored.ref.key, stored.body);
      const key = rawKey(H10, 'denied');
      await store.write(key, gz(line(refd, { payloadRef: stored.ref })));
      const denying: ObjectStore = Object.assign(Object.create(store), {
        readAll: async (k: string) => {
          if (k.startsWith('payloads/'))
            throw Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
          return store.readAll(k);
        },
      });
      await expect(compactPending({ store: denying, now: LATER, latenessMs: 0 })).rejects.toMatchObject({
        name,
      });
      expect(await keys(store, 'raw/')).toEqual([key]);
      expect(await keys(store, 'hourly/')).toEqual([]);
      expect(await keys(store, 'quarantine/')).toEqual([]);
      // Once it can be read, the next run compacts it.
      expect(await compactPending({ store, now: LATER, latenessMs: 0 })).toMatchObject({
        newRecords: 1,
        quarantined: 0,
      });
    },
  );

  it('reports progress and compacts a single hour on request', async () => {
    await seed(store);
    const events: ProgressEvent[] = [];
    const report = await compactHour({
      store,
      hour: at(H10, 30),
      now: LATER,
      onProgress: (e) => events.push(e),
    });
    expect(report).toMatchObject({ hour: '2026-11-28T10', status: 'compacted', records: 5, sourcesRead: 3 });
    expect(events.map((e) => e.type)).toEqual([
      'hour-started',
      'source-scanned',
      'source-scanned',
      'source-scanned',
      'hour-written',
      'raw-disposed',
      'hour-finished',
    ]);
    // Only C is covered: A also holds hour 09, B hour 11, neither compacted yet.
    expect(report.rawDeleted).toBe(1);
  });

  it('imports the legacy archive into the hourly layout, at the objects’ times', async () => {
    const legacy = (id: string, n: number, body: 'object' | 'string' = 'object') =>
      JSON.stringify({
        event: example(n).event,
        request_id: id,
        body: body === 'object' ? example(n).payload : JSON.stringify(example(n).payload),
      });
    const first = `${legacy('legacy-1', 1)}${legacy('legacy-2', 2, 'string')}${legacy('legacy-1', 1)}`;
    await store.write('legacy/2016/archive-0001.json', Buffer.from(first));
    await store.write('legacy/2016/archive-0002.json', Buffer.from(legacy('legacy-3', 3)));
    const info = await store.head('legacy/2016/archive-0001.json');
    const hour = new Date(Math.floor((info?.lastModified.getTime() ?? 0) / HOUR) * HOUR);

    const report = await importLegacy({ store, prefix: 'legacy/', now: LATER });
    expect(report).toMatchObject({ newRecords: 3, duplicatesDropped: 1, rawDeleted: 0 });
    const expected: string[] = [];
    for (const key of ['legacy/2016/archive-0001.json', 'legacy/2016/archive-0002.json']) {
      const lastModified = (await store.head(key))?.lastModified;
      for await (const item of readRecords(await store.read(key), {
        fallbackReceivedAt: lastModified as Date,
      })) {
        if (item.kind === 'record') expected.push(item.line);
      }
    }
    const hourPath = hourLabel(hour).replace(/-/g, '/').replace('T', '/');
    const written = await hourlyLines(store, `hourly/${hourPath}.ndjson.gz`);
    expect(idsOf(written).sort()).toEqual(['legacy-1', 'legacy-2', 'legacy-3']);
    expect([...written].sort()).toEqual([...new Set(expected)].sort());
    expect(JSON.parse(written[0] as string)).toMatchObject({ received_at: expect.stringMatching(/Z$/) });
    expect(await keys(store, 'legacy/')).toHaveLength(2);

    const { store: watched, calls } = recording(store);
    expect((await importLegacy({ store: watched, prefix: 'legacy/', now: LATER })).hours).toEqual([]);
    expect(mutations(calls)).toEqual([]);
  });
});

describe('pass 2 ordering under pressure', () => {
  const stores = fsStores();
  afterAll(() => stores.cleanup());

  it.each([
    ['with the stash', {}],
    ['with no stash: one extra reader per increasing chain', { stashBytes: 0 }],
    ['with one open source at a time (readers reopened)', { stashBytes: 0, maxOpenSources: 1 }],
  ])('writes unsorted, interleaved sources in received_at order %s', async (_name, options) => {
    const store = await stores.make();
    const all: TestRecord[] = [];
    for (let s = 0; s < 4; s++) {
      // Each object interleaves with the others and is stored in reverse or shuffled order.
      const records = Array.from({ length: 12 }, (_, i) =>
        rec(`s${s}-${i}`, at(H10, i * 4 + s, 7 * s), i + s),
      );
      all.push(...records);
      const stored =
        s % 2 === 0
          ? [...records].reverse()
          : records.filter((_, i) => i % 3 === 0).concat(records.filter((_, i) => i % 3 !== 0));
      await store.write(rawKey(H10, `s${s}`), gz(ndjson(stored)));
    }
    const report = await compactHour({ store, hour: H10, now: LATER, ...options });
    expect(report.records).toBe(48);
    const sorted = [...all].sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime());
    expect(await hourlyLines(store, 'hourly/2026/11/28/10.ndjson.gz')).toEqual(trimmed(sorted));
  });
});

describe('refusals', () => {
  const stores = fsStores();
  afterAll(() => stores.cleanup());

  it('never merges into an hour whose hourly file is missing while its manifest exists', async () => {
    const store = await stores.make();
    await store.write(rawKey(H10, 'a'), gz(line(rec('a', at(H10, 5), 1))));
    await compactPending({ store, now: LATER, latenessMs: 0 });
    await store.delete(['hourly/2026/11/28/10.ndjson.gz']);
    await store.write(rawKey(H10, 'b'), gz(line(rec('b', at(H10, 6), 2))));
    await expect(compactPending({ store, now: LATER, latenessMs: 0 })).rejects.toMatchObject({
      name: 'HourlyFileCorruptError',
    });
    expect(await keys(store, 'raw/')).toEqual([rawKey(H10, 'b')]);
  });

  it('never merges an hourly file with an unreadable line', async () => {
    const store = await stores.make();
    await store.write(rawKey(H10, 'a'), gz(line(rec('a', at(H10, 5), 1))));
    await compactPending({ store, now: LATER, latenessMs: 0 });
    await store.write('hourly/2026/11/28/10.ndjson.gz', gz(`${line(rec('a', at(H10, 5), 1))}{oops\n`));
    await store.write(rawKey(H10, 'b'), gz(line(rec('b', at(H10, 6), 2))));
    await expect(compactPending({ store, now: LATER, latenessMs: 0 })).rejects.toMatchObject({
      name: 'HourlyFileCorruptError',
    });
    expect(await keys(store, 'raw/')).toEqual([rawKey(H10, 'b')]);
  });

  it.each([['raw/'], ['hourly/'], ['']])('refuses the legacy prefix %j', async (prefix) => {
    const store = await stores.make();
    await expect(importLegacy({ store, prefix, now: LATER })).rejects.toMatchObject({
      name: 'LegacyPrefixError',
    });
  });
});
