import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { githubExamples } from '@github-webhooks/fixtures';
import { FsObjectStore, type ObjectInfo, type ObjectStore, S3ObjectStore, uploadInParts } from '../src';
import { countCommands, type RunningS3rver, startS3rver } from '../src/testing';

/** One implementation under test, with what only that implementation can observe. */
interface Subject {
  readonly store: ObjectStore & { getTags(key: string): Promise<Record<string, string>> };
  /** S3 commands sent so far by name (empty for the disk). */
  readonly commands: string[];
  /** A second store on the same data, listing `pageSize` keys per request where that applies. */
  withPageSize(pageSize: number): ObjectStore;
  /** Temp files or other debris a failed write may have left (must stay empty). */
  debris(): Promise<string[]>;
}

const MIB = 1024 * 1024;

// Real webhook payloads as the bytes we store: ~10 MiB+ when repeated.
const payloadText = githubExamples()
  .slice(0, 50)
  .map((e) => JSON.stringify(e.payload))
  .join('\n');

function bigBody(minBytes: number): Buffer {
  const unit = Buffer.from(payloadText);
  return Buffer.concat(Array.from({ length: Math.ceil(minBytes / unit.length) }, () => unit));
}

async function* chunked(bytes: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function readStream(store: ObjectStore, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await store.read(key)) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

async function inParallel<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      for (let i = next++; i < items.length; i = next++) await fn(items[i] as T);
    }),
  );
}

let s3rver: RunningS3rver;
let runId = 0;

const subjects: [string, () => Promise<Subject>][] = [
  [
    'FsObjectStore',
    async () => {
      const root = await mkdtemp(join(tmpdir(), 'fs-store-'));
      const store = new FsObjectStore(root);
      return {
        store,
        commands: [],
        withPageSize: () => new FsObjectStore(root),
        async debris() {
          const found: string[] = [];
          const walk = async (dir: string): Promise<void> => {
            for (const entry of await readdir(dir, { withFileTypes: true })) {
              if (entry.name === '.tags') continue;
              if (entry.name.startsWith('.')) found.push(join(dir, entry.name));
              if (entry.isDirectory()) await walk(join(dir, entry.name));
            }
          };
          await walk(root);
          return found;
        },
      };
    },
  ],
  [
    'S3ObjectStore (s3rver)',
    async () => {
      const client = s3rver.client();
      const commands: string[] = [];
      countCommands(client, commands);
      // Each test under its own store prefix, so tests see only their own keys.
      const prefix = `run-${++runId}`;
      const options = {
        client,
        bucket: s3rver.bucket,
        prefix,
        partSize: 5 * MIB,
        queueSize: 2,
        uploadInParts,
      };
      const store = new S3ObjectStore(options);
      return {
        store,
        commands,
        withPageSize: (pageSize) => new S3ObjectStore({ ...options, pageSize }),
        async debris() {
          // An aborted multipart upload leaves no object; a half-written object would show in a list.
          return (await collect(store.list(''))).map((o) => o.key);
        },
      };
    },
  ],
];

beforeAll(async () => {
  s3rver = await startS3rver();
});
afterAll(async () => {
  await s3rver.stop();
});

describe.each(subjects)('ObjectStore contract: %s', (_name, make) => {
  let subject: Subject;
  let store: Subject['store'];
  beforeEach(async () => {
    subject = await make();
    store = subject.store;
  });
  afterEach(async () => {
    if (store instanceof FsObjectStore) await rm(store.rootDir, { recursive: true, force: true });
  });

  it('writes a buffer and reads it back whole, streamed and by head', async () => {
    const body = Buffer.from(payloadText);
    const before = Date.now();
    await store.write('raw/2026/11/28/15/one.json', body, { contentType: 'application/json' });
    expect(await store.readAll('raw/2026/11/28/15/one.json')).toEqual(body);
    expect(await readStream(store, 'raw/2026/11/28/15/one.json')).toEqual(body);
    const info = await store.head('raw/2026/11/28/15/one.json');
    expect(info?.key).toBe('raw/2026/11/28/15/one.json');
    expect(info?.size).toBe(body.length);
    expect(info?.lastModified.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 - 1000);
  });

  it('replaces an object on a second write', async () => {
    await store.write('hourly/2026/11/28/15.manifest.json', Buffer.from('{"version":1}'));
    await store.write('hourly/2026/11/28/15.manifest.json', Buffer.from('{"version":2}'));
    expect((await store.readAll('hourly/2026/11/28/15.manifest.json')).toString()).toBe('{"version":2}');
    expect((await collect(store.list('hourly/'))).map((o) => o.key)).toEqual([
      'hourly/2026/11/28/15.manifest.json',
    ]);
  });

  it('streams a write of more than 5 MiB in several parts', async () => {
    const body = bigBody(11 * MIB);
    await store.write('hourly/2026/11/28/15.ndjson.gz', chunked(body, 64 * 1024));
    expect((await store.head('hourly/2026/11/28/15.ndjson.gz'))?.size).toBe(body.length);
    expect((await readStream(store, 'hourly/2026/11/28/15.ndjson.gz')).equals(body)).toBe(true);
    if (store instanceof S3ObjectStore) {
      expect(subject.commands.filter((c) => c === 'UploadPartCommand').length).toBe(3);
      expect(subject.commands).toContain('CompleteMultipartUploadCommand');
    }
  });

  it('writes a large buffer (above one part) too', async () => {
    const body = bigBody(6 * MIB);
    await store.write('big/buffer', body);
    expect((await store.readAll('big/buffer')).equals(body)).toBe(true);
  });

  it('writes nothing when the body stream fails midway, and rethrows', async () => {
    const failing = async function* () {
      yield* chunked(bigBody(7 * MIB), 256 * 1024);
      throw new Error('source broke');
    };
    await expect(store.write('hourly/2026/11/28/16.ndjson.gz', failing())).rejects.toThrow('source broke');
    expect(await store.head('hourly/2026/11/28/16.ndjson.gz')).toBeUndefined();
    expect(await subject.debris()).toEqual([]);
  });

  it('lists in key order under a prefix, partial segments included', async () => {
    const keys = [
      'raw/2026/11/28/15/b',
      'raw/2026/11/28/15/a',
      'raw/2026/11/28/09/z',
      'raw/2026/11/28/1x',
      'raw/2026/11/29/00/a',
      'hourly/2026/11/28/15.ndjson.gz',
      'payloads/x.json.gz',
    ];
    for (const key of keys) await store.write(key, Buffer.from(key));
    const list = async (prefix: string) => (await collect(store.list(prefix))).map((o) => o.key);
    const sorted = (xs: string[]) => [...xs].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect(await list('')).toEqual(sorted(keys));
    expect(await list('raw/')).toEqual(sorted(keys.filter((k) => k.startsWith('raw/'))));
    expect(await list('raw/2026/11/28')).toEqual([
      'raw/2026/11/28/09/z',
      'raw/2026/11/28/15/a',
      'raw/2026/11/28/15/b',
      'raw/2026/11/28/1x',
    ]);
    expect(await list('raw/2026/11/28/1')).toEqual([
      'raw/2026/11/28/15/a',
      'raw/2026/11/28/15/b',
      'raw/2026/11/28/1x',
    ]);
    expect(await list('raw/2026/11/28/15/a')).toEqual(['raw/2026/11/28/15/a']);
    expect(await list('raw/2027/')).toEqual([]);
    expect(await list('nothing')).toEqual([]);
    const sizes = (await collect(store.list('payloads/'))).map((o: ObjectInfo) => o.size);
    expect(sizes).toEqual([Buffer.byteLength('payloads/x.json.gz')]);
  });

  it('pages through more than 1000 keys, and deletes them in batches of 1000', async () => {
    const keys = Array.from({ length: 1003 }, (_, i) => `many/${String(i).padStart(5, '0')}`);
    await inParallel(keys, 16, (key) => store.write(key, Buffer.from(key)));
    await store.write('other/x', Buffer.from('x'));
    expect((await collect(store.list('many/'))).map((o) => o.key)).toEqual(keys);
    const small = subject.withPageSize(250);
    expect((await collect(small.list('many/'))).map((o) => o.key)).toEqual(keys);
    if (store instanceof S3ObjectStore) {
      expect(subject.commands.filter((c) => c === 'ListObjectsV2Command').length).toBe(2 + 5);
    }
    await store.delete([...keys, 'many/never-existed']);
    expect(await collect(store.list('many/'))).toEqual([]);
    expect((await collect(store.list(''))).map((o) => o.key)).toEqual(['other/x']);
    if (store instanceof S3ObjectStore) {
      expect(subject.commands.filter((c) => c === 'DeleteObjectsCommand').length).toBe(2);
    }
  }, 120_000);

  it('reports missing keys: NoSuchKeyError on read, undefined on head, no error on delete/tag', async () => {
    await expect(store.read('raw/none')).rejects.toMatchObject({ name: 'NoSuchKeyError', key: 'raw/none' });
    await expect(store.readAll('raw/none')).rejects.toMatchObject({
      name: 'NoSuchKeyError',
      key: 'raw/none',
    });
    await expect(store.getTags('raw/none')).rejects.toMatchObject({ name: 'NoSuchKeyError' });
    expect(await store.head('raw/none')).toBeUndefined();
    await store.write('raw/file', Buffer.from('x'));
    // A key below an existing object's key: a directory clash on disk, plain absence on S3.
    expect(await store.head('raw/file/below')).toBeUndefined();
    await expect(store.readAll('raw/file/below')).rejects.toMatchObject({ name: 'NoSuchKeyError' });
    // A key that is only the prefix of others (a directory on disk) is no object either.
    await store.write('raw/dir/inside', Buffer.from('x'));
    for (const key of ['raw/dir', 'raw']) {
      expect(await store.head(key)).toBeUndefined();
      await expect(store.read(key)).rejects.toMatchObject({ name: 'NoSuchKeyError' });
      await expect(store.readAll(key)).rejects.toMatchObject({ name: 'NoSuchKeyError' });
    }
    await store.delete(['raw/none']);
    await store.tag(['raw/none'], { expire: 'true' });
    expect(await store.head('raw/none')).toBeUndefined();
  });

  it('deletes only the named objects', async () => {
    for (const key of ['raw/a', 'raw/b', 'raw/c']) await store.write(key, Buffer.from(key));
    await store.delete(['raw/a', 'raw/c']);
    expect((await collect(store.list('raw/'))).map((o) => o.key)).toEqual(['raw/b']);
    await expect(store.readAll('raw/a')).rejects.toMatchObject({ name: 'NoSuchKeyError' });
  });

  it('tags objects, replacing the tag set, without touching their bytes or the listing', async () => {
    for (const key of ['raw/x/1', 'raw/x/2', 'raw/x/3']) await store.write(key, Buffer.from(key));
    await store.tag(['raw/x/1', 'raw/x/2'], { 'archive-compactor': 'compacted', hour: '2026-11-28T15' });
    expect(await store.getTags('raw/x/1')).toEqual({
      'archive-compactor': 'compacted',
      hour: '2026-11-28T15',
    });
    expect(await store.getTags('raw/x/2')).toEqual({
      'archive-compactor': 'compacted',
      hour: '2026-11-28T15',
    });
    expect(await store.getTags('raw/x/3')).toEqual({});
    await store.tag(['raw/x/1'], { state: 'replaced' });
    expect(await store.getTags('raw/x/1')).toEqual({ state: 'replaced' });
    expect((await store.readAll('raw/x/1')).toString()).toBe('raw/x/1');
    expect((await collect(store.list('raw/'))).map((o) => o.key)).toEqual(['raw/x/1', 'raw/x/2', 'raw/x/3']);
  });

  it('stops a streamed read when its signal aborts', async () => {
    await store.write('big/read', bigBody(3 * MIB));
    const controller = new AbortController();
    const read = async () => {
      for await (const _chunk of await store.read('big/read', { signal: controller.signal }))
        controller.abort();
    };
    await expect(read()).rejects.toMatchObject({ name: 'AbortError' });
  });
});
