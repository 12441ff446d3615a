import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsObjectStore, type ObjectStore } from '@github-webhooks/object-store';
import { compactHour } from '../src';
import { at, H10, hourlyLines, idsOf, line, rawKey, rec } from './support/archive';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'compactor-growing-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('a raw file still being appended to (local archive, hour not over)', () => {
  it('is kept when it grew during compaction, and its new records are compacted by the next run', async () => {
    const store = new FsObjectStore(root);
    const key = rawKey(H10, 'local-growing.ndjson');
    await store.write(key, Buffer.from(line(rec('a', at(H10, 1)))));
    const path = join(root, ...key.split('/'));
    // The server appends a record while the compactor is writing the hourly file.
    let appended = false;
    const growing: ObjectStore = Object.create(store, {
      write: {
        value: async (...args: Parameters<ObjectStore['write']>) => {
          if (!appended && args[0].startsWith('hourly/')) {
            appended = true;
            await appendFile(path, line(rec('b', at(H10, 30))));
          }
          return store.write(...args);
        },
      },
    });
    await compactHour({ store: growing, hour: H10, now: at(H10, 40) });
    expect(appended).toBe(true);
    expect((await readFile(path, 'utf8')).split('\n').filter(Boolean)).toHaveLength(2);

    await compactHour({ store, hour: H10, now: at(H10, 90) });
    expect(idsOf(await hourlyLines(store, 'hourly/2026/11/28/10.ndjson.gz'))).toEqual(['a', 'b']);
    expect(await store.head(key)).toBeUndefined();
  });
});
