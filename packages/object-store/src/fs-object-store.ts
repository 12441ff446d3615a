import { type FileHandle, mkdir, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { addAbortSignal } from 'node:stream';
import { writeAtomically } from './fs-atomic-write';
import { listKeys } from './fs-list-keys';
import { isMissingPath, mapMissing } from './fs-missing-path';
import { objectPath, tagPath } from './fs-object-key';
import { etagOf, writeFileIf } from './fs-write-if';
import {
  NoSuchKeyError,
  type ObjectInfo,
  type ObjectStore,
  type PutOptions,
  type VersionedObject,
  type WriteCondition,
} from './object-store';

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

  list(prefix: string): AsyncIterable<ObjectInfo> {
    return listKeys(this.rootDir, prefix);
  }

  async read(key: string, options: { signal?: AbortSignal } = {}): Promise<AsyncIterable<Uint8Array>> {
    const path = objectPath(this.rootDir, key);
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
      return await readFile(
        objectPath(this.rootDir, key),
        options.signal === undefined ? {} : { signal: options.signal },
      );
    } catch (error) {
      throw mapMissing(error, key);
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      const stats = await stat(objectPath(this.rootDir, key));
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
    const written = await writeAtomically(objectPath(this.rootDir, key), body, options);
    // A new object starts without tags, as on S3.
    if (written) await rm(tagPath(this.rootDir, key), { force: true });
  }

  /** Atomic against every other conditional write of the key, in any process (see writeFileIf). */
  async writeIf(
    key: string,
    body: Uint8Array,
    condition: WriteCondition,
    options: Omit<PutOptions, 'ifAbsent'> = {},
  ): Promise<string> {
    const path = objectPath(this.rootDir, key);
    const etag = await writeFileIf({ key, path, body, condition, signal: options.signal });
    await rm(tagPath(this.rootDir, key), { force: true });
    return etag;
  }

  async readWithETag(key: string, options: { signal?: AbortSignal } = {}): Promise<VersionedObject> {
    const body = await this.readAll(key, options);
    return { body, etag: etagOf(body) };
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (const key of keys) {
      await rm(objectPath(this.rootDir, key), { force: true });
      await rm(tagPath(this.rootDir, key), { force: true });
    }
  }

  async tag(keys: readonly string[], tags: Readonly<Record<string, string>>): Promise<void> {
    for (const key of keys) {
      if ((await this.head(key)) === undefined) continue;
      const path = tagPath(this.rootDir, key);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, `${JSON.stringify(tags)}\n`);
    }
  }

  /** The object's tags (from its side file); throws NoSuchKeyError. Not part of ObjectStore. */
  async getTags(key: string): Promise<Record<string, string>> {
    if ((await this.head(key)) === undefined) throw new NoSuchKeyError(key);
    try {
      return JSON.parse(await readFile(tagPath(this.rootDir, key), 'utf8')) as Record<string, string>;
    } catch (error) {
      if (isMissingPath(error)) return {};
      throw error;
    }
  }
}
