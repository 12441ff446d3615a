import { readRecords } from '@github-webhooks/archive';
import { hourLabel } from '@github-webhooks/events';
import { importOriginal } from '../src';
import { example, fsStores, HOUR, hourlyLines, idsOf, keys, mutations, recording } from './support/archive';
import { everyStore, LATER, type TaggedStore } from './support/compaction';

describe.each(everyStore())("the original system's archive imported on $name", (stores) => {
  let store: TaggedStore;
  beforeEach(async () => {
    store = await stores.make();
  });
  afterAll(() => stores.cleanup());

  it('imports the original system’s archive into the hourly layout, at the objects’ times', async () => {
    const original = (id: string, n: number, body: 'object' | 'string' = 'object') =>
      JSON.stringify({
        event: example(n).event,
        request_id: id,
        body: body === 'object' ? example(n).payload : JSON.stringify(example(n).payload),
      });
    const first = `${original('original-1', 1)}${original('original-2', 2, 'string')}${original('original-1', 1)}`;
    await store.write('original/2016/archive-0001.json', Buffer.from(first));
    await store.write('original/2016/archive-0002.json', Buffer.from(original('original-3', 3)));
    const info = await store.head('original/2016/archive-0001.json');
    const hour = new Date(Math.floor((info?.lastModified.getTime() ?? 0) / HOUR) * HOUR);

    const report = await importOriginal({ store, prefix: 'original/', now: LATER });
    expect(report).toMatchObject({ newRecords: 3, duplicatesDropped: 1, rawDeleted: 0 });
    const expected: string[] = [];
    for (const key of ['original/2016/archive-0001.json', 'original/2016/archive-0002.json']) {
      const lastModified = (await store.head(key))?.lastModified;
      for await (const item of readRecords(await store.read(key), {
        fallbackReceivedAt: lastModified as Date,
      })) {
        if (item.kind === 'record') expected.push(item.line);
      }
    }
    const hourPath = hourLabel(hour).replace(/-/g, '/').replace('T', '/');
    const written = await hourlyLines(store, `hourly/${hourPath}.ndjson.gz`);
    expect(idsOf(written).sort()).toEqual(['original-1', 'original-2', 'original-3']);
    expect([...written].sort()).toEqual([...new Set(expected)].sort());
    expect(JSON.parse(written[0] as string)).toMatchObject({ received_at: expect.stringMatching(/Z$/) });
    expect(await keys(store, 'original/')).toHaveLength(2);

    const { store: watched, calls } = recording(store);
    expect((await importOriginal({ store: watched, prefix: 'original/', now: LATER })).hours).toEqual([]);
    expect(mutations(calls)).toEqual([]);
  });
});

describe('the prefix of the original system’s archive', () => {
  const stores = fsStores();
  afterAll(() => stores.cleanup());

  it.each([['raw/'], ['hourly/'], ['']])('refuses the prefix %j', async (prefix) => {
    const store = await stores.make();
    await expect(importOriginal({ store, prefix, now: LATER })).rejects.toMatchObject({
      name: 'OriginalPrefixError',
    });
  });
});
