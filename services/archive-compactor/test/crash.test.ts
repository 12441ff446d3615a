import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import type { ObjectInfo, ObjectStore } from '@github-webhooks/object-store';
import { compactPending, type Disposal } from '../src';
import {
  at,
  fsStores,
  gz,
  H10,
  HOUR,
  hourlyLines,
  idsOf,
  keys,
  line,
  manifestOf,
  payloadObject,
  rawKey,
  rec,
  type TestRecord,
} from './support/archive';

const H9 = new Date(H10.getTime() - HOUR);
const H11 = new Date(H10.getTime() + HOUR);
const LATER = new Date(H10.getTime() + 6 * HOUR);

class InjectedCrash extends Error {
  override readonly name = 'InjectedCrash';
}

/**
 * The store as a process that dies at its `crashAt`-th operation: that operation fails (a write
 * after sending part of its body) and so does every later one, as nothing runs after a kill.
 */
function dying(
  store: ObjectStore,
  crashAt: number,
  beforeDisposal: (keys: readonly string[]) => Promise<void>,
): { store: ObjectStore; operations: () => number } {
  let count = 0;
  const step = () => {
    count++;
    if (count >= crashAt) throw new InjectedCrash(`crash at operation ${crashAt}`);
  };
  const wrapped: ObjectStore = {
    list: (prefix) => ({
      async *[Symbol.asyncIterator]() {
        step();
        for await (const info of store.list(prefix)) yield info;
      },
    }),
    read: async (key, o) => {
      step();
      return store.read(key, o);
    },
    readAll: async (key, o) => {
      step();
      return store.readAll(key, o);
    },
    head: async (key) => {
      step();
      return store.head(key);
    },
    write: async (key, body, o) => {
      if (count + 1 >= crashAt) {
        // Dies mid-upload: part of the body has gone out, the object was never completed.
        const partial = (async function* () {
          if (!(Symbol.asyncIterator in body)) yield body.subarray(0, body.length >> 1);
          else
            for await (const chunk of body) {
              yield chunk;
              break;
            }
          throw new InjectedCrash(`crash at operation ${crashAt}`);
        })();
        count++;
        return store.write(key, partial, o);
      }
      step();
      return store.write(key, body, o);
    },
    writeIf: async (key, body, condition, o) => {
      step();
      return store.writeIf(key, body, condition, o);
    },
    readWithETag: async (key, o) => {
      step();
      return store.readWithETag(key, o);
    },
    delete: async (keys) => {
      step();
      await beforeDisposal(keys);
      return store.delete(keys);
    },
    tag: async (keys, tags) => {
      step();
      await beforeDisposal(keys);
      return store.tag(keys, tags);
    },
  };
  return { store: wrapped, operations: () => count };
}

interface Seeded {
  readonly key: string;
  readonly body: Buffer;
  /** delivery ids of the valid records per hour label. */
  readonly records: Record<string, string[]>;
}

async function seed(store: ObjectStore): Promise<Seeded[]> {
  const hourOf = (r: TestRecord) => r.receivedAt.toISOString().slice(0, 13);
  const refd = payloadObject('ref-1', 21);
  await store.write(refd.ref.key, refd.body);
  const objects: { key: string; records: TestRecord[]; extra?: string[]; ref?: boolean; plain?: boolean }[] =
    [
      { key: rawKey(H9, 'A'), records: [rec('a1', at(H9, 50), 1), rec('x', at(H10, 0, 100), 2)] },
      {
        key: rawKey(H10, 'B'),
        records: [rec('b1', at(H10, 20), 3), rec('x', at(H10, 30), 2), rec('c', at(H11, 0, 200), 4)],
        plain: true,
      },
      {
        key: rawKey(H10, 'C'),
        records: [rec('ref-1', at(H10, 40), 21)],
        extra: ['{"broken": \n'],
        ref: true,
      },
      { key: rawKey(H11, 'D'), records: [rec('s', at(H10, 59, 59_990), 5), rec('d1', at(H11, 10), 6)] },
    ];
  const seeded: Seeded[] = [];
  for (const o of objects) {
    const text =
      o.records.map((r) => (o.ref ? line(r, { payloadRef: refd.ref }) : line(r))).join('') +
      (o.extra ?? []).join('');
    const body = o.plain ? Buffer.from(text) : gz(text);
    await store.write(o.key, body);
    const records: Record<string, string[]> = {};
    for (const r of o.records) records[hourOf(r)] = [...(records[hourOf(r)] ?? []), r.id];
    seeded.push({ key: o.key, body, records });
  }
  return seeded;
}

async function snapshot(store: ObjectStore): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  const infos: ObjectInfo[] = [];
  for await (const info of store.list('')) infos.push(info);
  for (const info of infos) files[info.key] = (await store.readAll(info.key)).toString('base64');
  return files;
}

/** Where each seeded object's records are: hour path -> delivery ids. */
const hoursOf = (object: Seeded) =>
  Object.entries(object.records).map(
    ([hour, ids]) => [hour.replace(/-/g, '/').replace('T', '/'), ids] as const,
  );

/** At the moment raw objects are deleted or tagged, every hour they hold is verified: file = manifest, records in it. */
async function assertVerified(store: ObjectStore, seeded: readonly Seeded[], deleting: readonly string[]) {
  for (const object of seeded.filter((o) => deleting.includes(o.key))) {
    for (const [path, ids] of hoursOf(object)) {
      const manifest = await manifestOf(store, path);
      const file = await store.readAll(`hourly/${path}.ndjson.gz`);
      expect(createHash('sha256').update(file).digest('hex')).toBe(manifest.sha256);
      expect(gunzipSync(file).toString().split('\n').length - 1).toBe(manifest.records);
      expect(manifest.sources.map((s) => s.key)).toContain(object.key);
      const written = new Set(idsOf(await hourlyLines(store, `hourly/${path}.ndjson.gz`)));
      for (const id of ids) expect(written.has(id)).toBe(true);
    }
  }
}

/**
 * After a crash, every raw object gone has its records in the hourly files. (A file may be newer
 * than its manifest: a merge killed between writing the file and its manifest; the next run
 * takes it as it is, complete, and finishes the merge.)
 */
async function assertNothingLost(store: ObjectStore, seeded: readonly Seeded[]): Promise<void> {
  const present = new Set(await keys(store, 'raw/'));
  for (const object of seeded.filter((o) => !present.has(o.key))) {
    for (const [path, ids] of hoursOf(object)) {
      const written = new Set(idsOf(await hourlyLines(store, `hourly/${path}.ndjson.gz`)));
      for (const id of ids) expect(written.has(id)).toBe(true);
    }
  }
}

describe.each<[Disposal]>([['delete'], ['tag']])('a compaction killed at any step (%s mode)', (disposal) => {
  const stores = fsStores();
  afterAll(() => stores.cleanup());

  it('finishes on the next run with the same result, losing and doubling nothing', async () => {
    const reference = await stores.make();
    const seeded = await seed(reference);
    const options = { now: LATER, latenessMs: 0, disposal };
    await compactPending({ store: reference, ...options });
    const expected = await snapshot(reference);
    expect(Object.keys(expected).filter((k) => /^(hourly|manifests)\//.test(k))).toHaveLength(6);

    let crashes = 0;
    for (let crashAt = 1; ; crashAt++) {
      const base = await stores.make();
      await seed(base);
      const { store, operations } = dying(base, crashAt, (deleting) =>
        assertVerified(base, seeded, deleting),
      );
      let crashed = true;
      try {
        await compactPending({ store, ...options });
        crashed = false;
      } catch (error) {
        if ((error as Error).name !== 'InjectedCrash') throw error;
      }
      if (!crashed) {
        expect(operations()).toBeLessThan(crashAt);
        break;
      }
      crashes++;
      await assertNothingLost(base, seeded);
      await compactPending({ store: base, ...options });
      expect(await snapshot(base)).toEqual(expected);
      await assertNothingLost(base, seeded);
    }
    // Every operation of a full run was a crash point.
    expect(crashes).toBeGreaterThan(40);
  }, 180_000);
});
