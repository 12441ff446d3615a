import { createHash, randomUUID } from 'node:crypto';
import { type Dirent, constants as fsConstants } from 'node:fs';
import {
  type FileHandle,
  link,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { addAbortSignal } from 'node:stream';
import { isUint8Array } from 'node:util/types';
import { PreconditionFailedError } from './errors';
import { withWriteLock } from './fs-write-lock';
import {
  NoSuchKeyError,
  type ObjectInfo,
  type ObjectStore,
  type PutOptions,
  sameETag,
  type VersionedObject,
  type WriteCondition,
} from './object-store';

export class InvalidKeyError extends Error {
  override readonly name = 'InvalidKeyError';
}

/**
 * Tags live beside the objects, out of the key space: `<rootDir>/.tags/<key>.json`. No key can
 * start with a dot, so neither this directory nor temp files ever show up in `list`.
 */
const TAGS_DIR = '.tags';
const READ_CHUNK = 1024 * 1024;

/**
 * The archive in a local directory, same keys as S3 (`raw/2024/01/01/05/x.gz` is the file of that
 * relative path). Keys are `/`-separated segments, none empty or starting with `.` (so no `..`,
 * no hidden files), not absolute. Unlike S3, a key cannot also be the "directory" of another key.
 */
export class FsObjectStore implements ObjectStore {
  readonly rootDir: string;

  constructor(rootDir: string) {
    this.rootDir = resolve(rootDir);
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    validatePrefix(prefix);
    const slash = prefix.lastIndexOf('/');
    yield* this.walk(slash === -1 ? '' : prefix.slice(0, slash), prefix.slice(slash + 1));
  }

  async read(key: string, options: { signal?: AbortSignal } = {}): Promise<AsyncIterable<Uint8Array>> {
    const path = this.pathOf(key);
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      throw mapMissing(error, key);
    }
    // A directory opens fine for reading: it is only the "prefix" of other keys, not an object.
    if (!(await handle.stat()).isFile()) {
      await handle.close();
      throw new NoSuchKeyError(key);
    }
    const stream = handle.createReadStream({ highWaterMark: READ_CHUNK });
    return options.signal === undefined ? stream : addAbortSignal(options.signal, stream);
  }

  async readAll(key: string, options: { signal?: AbortSignal } = {}): Promise<Buffer> {
    try {
      return await readFile(this.pathOf(key), options.signal === undefined ? {} : { signal: options.signal });
    } catch (error) {
      throw mapMissing(error, key);
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      const stats = await stat(this.pathOf(key));
      return stats.isFile() ? { key, size: stats.size, lastModified: stats.mtime } : undefined;
    } catch (error) {
      if (isMissingPath(error)) return undefined;
      throw error;
    }
  }

  async write(
    key: string,
    body: Uint8Array | AsyncIterable<Uint8Array>,
    options: PutOptions = {},
  ): Promise<void> {
    const path = this.pathOf(key);
    const dir = dirname(path);
    await mkdir(dir, { recursive: true });
    // Same directory as the target, so the rename is atomic (same file system).
    const temp = join(dir, `.${randomUUID()}.tmp`);
    const handle = await open(temp, 'wx');
    try {
      if (isUint8Array(body)) {
        options.signal?.throwIfAborted();
        await handle.writeFile(body);
      } else {
        for await (const chunk of body) {
          options.signal?.throwIfAborted();
          await writeFully(handle, chunk);
        }
      }
      await handle.sync();
    } catch (error) {
      await handle.close().catch(() => undefined);
      await rm(temp, { force: true });
      throw error;
    }
    await handle.close();
    if (options.ifAbsent) {
      // link() creates the name only if it does not exist: an atomic "write if absent".
      let created = true;
      try {
        await link(temp, path);
      } catch (error) {
        if ((error as { code?: string }).code !== 'EEXIST') throw error;
        created = false;
      } finally {
        await rm(temp, { force: true });
      }
      if (!created) return;
    } else {
      await rename(temp, path);
    }
    await syncDirectory(dir);
    // A new object starts without tags, as on S3.
    await rm(this.tagPathOf(key), { force: true });
  }

  /**
   * `If-None-Match: *` is link(2), which creates the name only if it does not exist; `If-Match`
   * checks the ETag and renames under a lock file beside the object, so no other conditional write
   * of the key comes between. ETags are as S3 gives a single-part object's: the quoted MD5.
   */
  async writeIf(
    key: string,
    body: Uint8Array,
    condition: WriteCondition,
    options: Omit<PutOptions, 'ifAbsent'> = {},
  ): Promise<string> {
    const path = this.pathOf(key);
    const dir = dirname(path);
    await mkdir(dir, { recursive: true });
    options.signal?.throwIfAborted();
    const temp = join(dir, `.${randomUUID()}.tmp`);
    await writeFile(temp, body, { flag: 'wx', flush: true });
    try {
      if ('ifNoneMatch' in condition) {
        await link(temp, path).catch((error: { code?: unknown }) => {
          throw error.code === 'EEXIST' ? new PreconditionFailedError(key, 'If-None-Match') : error;
        });
      } else {
        await withWriteLock(join(dir, `.${basename(path)}.write-lock`), async () => {
          const current = await readFile(path).catch((error: unknown) => {
            if (isMissingPath(error) || (error as { code?: unknown }).code === 'EISDIR') return undefined;
            throw error;
          });
          if (current === undefined || !sameETag(etagOf(current), condition.ifMatch))
            throw new PreconditionFailedError(key, 'If-Match');
          await rename(temp, path);
        });
      }
    } finally {
      await rm(temp, { force: true });
    }
    await syncDirectory(dir);
    await rm(this.tagPathOf(key), { force: true });
    return etagOf(body);
  }

  async readWithETag(key: string, options: { signal?: AbortSignal } = {}): Promise<VersionedObject> {
    const body = await this.readAll(key, options);
    return { body, etag: etagOf(body) };
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (const key of keys) {
      const path = this.pathOf(key);
      await rm(path, { force: true });
      await rm(this.tagPathOf(key), { force: true });
    }
  }

  async tag(keys: readonly string[], tags: Readonly<Record<string, string>>): Promise<void> {
    for (const key of keys) {
      if ((await this.head(key)) === undefined) continue;
      const tagPath = this.tagPathOf(key);
      await mkdir(dirname(tagPath), { recursive: true });
      await writeFile(tagPath, `${JSON.stringify(tags)}\n`);
    }
  }

  /** The object's tags (from its side file); throws NoSuchKeyError. Not part of ObjectStore. */
  async getTags(key: string): Promise<Record<string, string>> {
    if ((await this.head(key)) === undefined) throw new NoSuchKeyError(key);
    try {
      return JSON.parse(await readFile(this.tagPathOf(key), 'utf8')) as Record<string, string>;
    } catch (error) {
      if (isMissingPath(error)) return {};
      throw error;
    }
  }

  private pathOf(key: string): string {
    validateKey(key);
    return join(this.rootDir, ...key.split('/'));
  }

  private tagPathOf(key: string): string {
    validateKey(key);
    return join(this.rootDir, TAGS_DIR, ...`${key}.json`.split('/'));
  }

  /** Depth-first in key order: a directory sorts as `name/`, so `a.b` (0x2E) comes before `a/…` (0x2F). */
  private async *walk(dirKey: string, namePrefix: string): AsyncIterable<ObjectInfo> {
    let entries: Dirent[];
    try {
      entries = await readdir(join(this.rootDir, ...dirKey.split('/')), { withFileTypes: true });
    } catch (error) {
      if (isMissingPath(error)) return;
      throw error;
    }
    const children: { name: string; sortKey: Buffer; directory: boolean }[] = [];
    for (const entry of entries) {
      if (entry.name.startsWith('.') || !entry.name.startsWith(namePrefix)) continue;
      const directory = entry.isDirectory();
      if (!directory && !entry.isFile()) continue;
      children.push({
        name: entry.name,
        sortKey: Buffer.from(directory ? `${entry.name}/` : entry.name),
        directory,
      });
    }
    children.sort((a, b) => Buffer.compare(a.sortKey, b.sortKey));
    for (const child of children) {
      const key = dirKey === '' ? child.name : `${dirKey}/${child.name}`;
      if (child.directory) {
        yield* this.walk(key, '');
        continue;
      }
      try {
        const stats = await stat(join(this.rootDir, ...key.split('/')));
        yield { key, size: stats.size, lastModified: stats.mtime };
      } catch (error) {
        // Deleted between readdir and stat: it is simply not there any more.
        if (!isMissingPath(error)) throw error;
      }
    }
  }
}

function validateKey(key: string): void {
  if (key === '' || key.startsWith('/') || key.endsWith('/')) {
    throw new InvalidKeyError(`invalid object key ${JSON.stringify(key)}: empty, or starts/ends with /`);
  }
  validatePrefix(key);
}

function validatePrefix(prefix: string): void {
  if (prefix.startsWith('/') || prefix.includes('\\') || prefix.includes('\0')) {
    throw new InvalidKeyError(`invalid object key ${JSON.stringify(prefix)}: absolute, \\ or NUL`);
  }
  const segments = prefix.split('/');
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    if ((segment === '' && !last) || segment.startsWith('.')) {
      throw new InvalidKeyError(
        `invalid object key ${JSON.stringify(prefix)}: empty segment or one starting with "." (no .., no hidden files)`,
      );
    }
  });
}

async function writeFully(handle: FileHandle, chunk: Uint8Array): Promise<void> {
  for (let offset = 0; offset < chunk.byteLength; ) {
    const { bytesWritten } = await handle.write(chunk, offset);
    offset += bytesWritten;
  }
}

/** Makes the rename itself durable (the directory entry), not only the file's bytes. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, fsConstants.O_RDONLY);
    await handle.sync();
  } catch (error) {
    // Some platforms cannot fsync a directory; the rename is still atomic there.
    const code = (error as { code?: unknown } | null)?.code;
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM' && code !== 'EBADF') throw error;
  } finally {
    await handle?.close();
  }
}

/** A single-part S3 object's ETag: the quoted hex MD5 of its bytes. */
function etagOf(bytes: Uint8Array): string {
  return `"${createHash('md5').update(bytes).digest('hex')}"`;
}

function isMissingPath(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function mapMissing(error: unknown, key: string): unknown {
  if (isMissingPath(error)) return new NoSuchKeyError(key, { cause: error });
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'EISDIR' ? new NoSuchKeyError(key, { cause: error }) : error;
}
