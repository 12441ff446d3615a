import { gunzipSync } from 'node:zlib';
import { formatRecordLine } from '@github-webhooks/events';
import { compactHour, compactPending, type ProgressEvent } from '../src';
import {
  at,
  example,
  gz,
  H10,
  HOUR,
  hourlyLines,
  keys,
  manifestOf,
  mutations,
  rawKey,
  recording,
} from './support/archive';
import { everyStore, LATER, seed, sha256, type TaggedStore, trimmed } from './support/compaction';

describe.each(everyStore())('an hour compacted into its hourly file on $name', (stores) => {
  let store: TaggedStore;
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

  it('lists nothing but raw/ when no hour needs compacting: no other prefix is walked', async () => {
    await seed(store);
    await compactPending({ store, now: LATER, latenessMs: 0 });
    const { store: watched, calls } = recording(store);
    await compactPending({ store: watched, now: new Date(LATER.getTime() + HOUR), latenessMs: 0 });
    expect(calls.filter((c) => c.method === 'list').map((c) => c.keys[0])).toEqual(['raw/']);
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
});
