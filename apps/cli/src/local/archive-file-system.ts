import { type FileHandle, mkdir, open } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fsyncDirectory } from './fsync-directory';

/**
 * The file-system calls the local archive makes to create its raw files, in one place, so a test
 * can see which directories are fsynced (the default is `node:fs/promises`).
 */
export interface ArchiveFileSystem {
  /** `mkdir -p`: the topmost directory it created, or undefined when every one existed already. */
  makeDirectories(path: string): Promise<string | undefined>;
  /** Opens a file for appending, creating it if needed. */
  openForAppend(path: string): Promise<FileHandle>;
  /** Makes a directory's entries durable (fsync). */
  syncDirectory(path: string): Promise<void>;
}

export const nodeArchiveFileSystem: ArchiveFileSystem = {
  makeDirectories: (path) => mkdir(path, { recursive: true }),
  openForAppend: (path) => open(path, 'a'),
  syncDirectory: fsyncDirectory,
};

/**
 * Creates `dir` and its missing parents, durably. A directory's name is an entry of its parent, so
 * for each directory created the parent is fsynced: the one above the topmost created (`raw/` for a
 * new year, the archive's root when `raw/` itself is new) and every created one but `dir`, whose
 * entries are fsynced once the file is in it. Otherwise, on XFS or btrfs, a power cut after the
 * answer could lose a new hour's, day's, month's or year's directory, and the file with it.
 */
export async function makeDirectoriesDurably(fs: ArchiveFileSystem, dir: string): Promise<void> {
  const made = await fs.makeDirectories(dir);
  if (made === undefined) return;
  // Compared resolved: mkdir answers in the form it was given (relative stays relative).
  const topmost = resolve(made);
  const created: string[] = [];
  for (let path = resolve(dir); ; path = dirname(path)) {
    created.unshift(path);
    if (path === topmost || path === dirname(path)) break;
  }
  for (const parent of [dirname(topmost), ...created.slice(0, -1)]) await fs.syncDirectory(parent);
}
