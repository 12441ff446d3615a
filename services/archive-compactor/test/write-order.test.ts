import { compactHour } from '../src';
import { at, fsStores, gz, H10, hourlyLines, rawKey, rec, type TestRecord } from './support/archive';
import { LATER, ndjson, trimmed } from './support/compaction';

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
