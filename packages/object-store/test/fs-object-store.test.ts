import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsObjectStore } from '../src';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('FsObjectStore', () => {
  let root: string;
  let store: FsObjectStore;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'fs-store-'));
    store = new FsObjectStore(root);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it.each([
    ['empty', ''],
    ['absolute', '/etc/passwd'],
    ['parent segment', 'raw/../../etc/passwd'],
    ['dot segment', 'raw/./x'],
    ['hidden segment', 'raw/.tmp'],
    ['empty segment', 'raw//x'],
    ['trailing slash', 'raw/x/'],
    ['backslash', 'raw\\..\\x'],
    ['NUL', 'raw/x\0'],
  ])('rejects the %s key %j on every operation', async (_name, key) => {
    const invalid = { name: 'InvalidKeyError' };
    await expect(store.write(key, Buffer.from('x'))).rejects.toMatchObject(invalid);
    await expect(store.readAll(key)).rejects.toMatchObject(invalid);
    await expect(store.read(key)).rejects.toMatchObject(invalid);
    await expect(store.head(key)).rejects.toMatchObject(invalid);
    await expect(store.delete([key])).rejects.toMatchObject(invalid);
    await expect(store.tag([key], { a: 'b' })).rejects.toMatchObject(invalid);
    expect(await readdir(root)).toEqual([]);
  });

  it.each([['/abs'], ['raw/../x'], ['.tags/']])('rejects the list prefix %j', async (prefix) => {
    await expect(collect(store.list(prefix))).rejects.toMatchObject({ name: 'InvalidKeyError' });
  });

  it('stores keys as relative paths and lists in S3 byte order (a file a.b before a directory a/)', async () => {
    for (const key of ['raw/28/x', 'raw/28.txt', 'raw/28-x', 'raw/é', 'raw/z'])
      await store.write(key, Buffer.from(key));
    expect(await readFile(join(root, 'raw', '28', 'x'), 'utf8')).toBe('raw/28/x');
    expect((await collect(store.list('raw/'))).map((o) => o.key)).toEqual([
      'raw/28-x',
      'raw/28.txt',
      'raw/28/x',
      'raw/z',
      'raw/é',
    ]);
  });

  it('keeps temp files, tag side files and foreign dot files out of the listing', async () => {
    await store.write('raw/a', Buffer.from('a'));
    await store.tag(['raw/a'], { done: 'yes' });
    await writeFile(join(root, 'raw', '.half-written.tmp'), 'partial');
    expect((await collect(store.list(''))).map((o) => o.key)).toEqual(['raw/a']);
    expect(JSON.parse(await readFile(join(root, '.tags', 'raw', 'a.json'), 'utf8'))).toEqual({ done: 'yes' });
  });

  it('drops the tags of an object that is rewritten or deleted, as S3 does', async () => {
    await store.write('raw/a', Buffer.from('a'));
    await store.tag(['raw/a'], { done: 'yes' });
    await store.write('raw/a', Buffer.from('b'));
    expect(await store.getTags('raw/a')).toEqual({});
    await store.tag(['raw/a'], { done: 'yes' });
    await store.delete(['raw/a']);
    await store.write('raw/a', Buffer.from('c'));
    expect(await store.getTags('raw/a')).toEqual({});
  });

  it('leaves the previous object intact when a rewrite fails', async () => {
    await store.write('hourly/x', Buffer.from('old'));
    const failing = async function* () {
      yield Buffer.from('new, but');
      throw new Error('broken source');
    };
    await expect(store.write('hourly/x', failing())).rejects.toThrow('broken source');
    expect((await store.readAll('hourly/x')).toString()).toBe('old');
    expect(await readdir(join(root, 'hourly'))).toEqual(['x']);
  });
});
