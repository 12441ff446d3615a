import { compactPending } from '../src';
import { gz, HOUR, keys, MINUTE, manifestOf, mutations, rawKey, rec, recording } from './support/archive';
import { everyStore, H11, LATER, ndjson, seed, type TaggedStore } from './support/compaction';

describe.each(everyStore())('raw objects disposed of on $name', (stores) => {
  let store: TaggedStore;
  beforeEach(async () => {
    store = await stores.make();
  });
  afterAll(() => stores.cleanup());

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
      metrics: {
        count: (name, value = 1) => counts.set(name, value),
        gauge: (name, seconds) => counts.set(name, seconds),
      },
    });
    expect(await keys(store, 'raw/')).toHaveLength(1);
    expect(counts.get('OldestRawAgeSeconds')).toBeGreaterThanOrEqual(590);
    expect(counts.get('OldestRawAgeSeconds')).toBeLessThanOrEqual(630);
  });
});
