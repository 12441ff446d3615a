import { compactPending } from '../src';
import {
  at,
  gz,
  H10,
  HOUR,
  hourlyLines,
  keys,
  manifestOf,
  rawKey,
  rec,
  type TestRecord,
} from './support/archive';
import { everyStore, H11, LATER, ndjson, seed, type TaggedStore, trimmed } from './support/compaction';

describe.each(everyStore())('late records merged on $name', (stores) => {
  let store: TaggedStore;
  beforeEach(async () => {
    store = await stores.make();
  });
  afterAll(() => stores.cleanup());

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
});
