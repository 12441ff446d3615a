import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isMissingPath } from './fs-missing-path';
import { validatePrefix } from './fs-object-key';
import type { ObjectInfo } from './object-store';

/** Every object under `rootDir` whose key starts with `prefix`, in key order (UTF-8 byte order, as S3). */
export async function* listKeys(rootDir: string, prefix: string): AsyncIterable<ObjectInfo> {
  validatePrefix(prefix);
  const slash = prefix.lastIndexOf('/');
  yield* walk(rootDir, slash === -1 ? '' : prefix.slice(0, slash), prefix.slice(slash + 1));
}

/** Depth-first in key order: a directory sorts as `name/`, so `a.b` (0x2E) comes before `a/…` (0x2F). */
async function* walk(rootDir: string, dirKey: string, namePrefix: string): AsyncIterable<ObjectInfo> {
  let entries: Dirent[];
  try {
    entries = await readdir(join(rootDir, ...dirKey.split('/')), { withFileTypes: true });
  } catch (error) {
    if (isMissingPath(error)) return;
    throw error;
  }
  for (const child of sortedChildren(entries, namePrefix)) {
    const key = dirKey === '' ? child.name : `${dirKey}/${child.name}`;
    if (child.directory) {
      yield* walk(rootDir, key, '');
      continue;
    }
    try {
      const stats = await stat(join(rootDir, ...key.split('/')));
      yield { key, size: stats.size, lastModified: stats.mtime };
    } catch (error) {
      // Deleted between readdir and stat: it is simply not there any more.
      if (!isMissingPath(error)) throw error;
    }
  }
}

/** The files and directories of one directory that can hold keys with `namePrefix`, in key order. */
function sortedChildren(entries: readonly Dirent[], namePrefix: string) {
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
  return children.sort((a, b) => Buffer.compare(a.sortKey, b.sortKey));
}
