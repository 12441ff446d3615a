import { compactPending } from '../src';
import { at, fsStores, gz, H10, keys, line, rawKey, rec } from './support/archive';
import { LATER } from './support/compaction';

describe('an hour whose hourly file no longer matches its manifest', () => {
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
});
