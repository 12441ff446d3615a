import { join, relative, sep } from 'node:path';
import { hourOfKey, hourStart, isMarkedPrivate, rawPrefix, receivedAtOf } from '@github-webhooks/events';
import type { ArchiveSink, CallOptions } from '@github-webhooks/ingestion';
import { DeadlinePassedError } from '../errors';
import { type ArchiveFileSystem, makeDirectoriesDurably, nodeArchiveFileSystem } from './archive-file-system';
import { type ByteRange, GroupCommitFile } from './group-commit-file';

/** A raw file of the archive as the relay tails it: its bytes up to `committedBytes` are on disk. */
export interface RawFileChange {
  readonly key: string;
  readonly path: string;
  readonly committedBytes: number;
  /** No append will ever be made to it again. */
  readonly closed: boolean;
  /**
   * The records not marked private among those just committed (see isMarkedPrivate), so the
   * relay can pass over private ones without reading them back.
   */
  readonly unmarked: readonly ByteRange[];
}

/** The name every raw file the local archive writes has: `local-<first record's time>-<pid>-<n>.ndjson`. */
export const LOCAL_RAW_FILE = /^raw\/\d{4}\/\d{2}\/\d{2}\/\d{2}\/local-\d{8}T\d{9}Z-\d+-\d+\.ndjson$/;

/**
 * The local stand-in for Firehose: appends each record to a plain NDJSON file under
 * `raw/YYYY/MM/DD/HH/`, durably (group-committed fsync) before the append resolves. As with
 * Firehose, a file's hour is the hour of its oldest record, so the compactor reads it the same way.
 * A new file is started for each hour and after `maxFileBytes`, so a file never holds an earlier
 * hour. Files stay open for appending until their hour is sealed (before it is compacted); an
 * append for a sealed hour goes to a new file, and the compactor never deletes an open one.
 */
export class DiskArchive implements ArchiveSink {
  private current: { file: GroupCommitFile; hour: number } | undefined;
  private opening: Promise<GroupCommitFile> | undefined;
  private sequence = 0;
  /** Every file not closed yet (current, or rotated away from with appends still in flight), by key. */
  private readonly open = new Map<string, GroupCommitFile>();
  private readonly listeners = new Set<(change: RawFileChange) => void>();

  constructor(
    private readonly root: string,
    private readonly options: {
      maxFileBytes?: number;
      /** Where its files and directories are made and fsynced. Default `node:fs/promises`. */
      fs?: ArchiveFileSystem;
    } = {},
  ) {}

  async append(line: string | Buffer, options: CallOptions = {}): Promise<void> {
    if (options.deadline !== undefined) {
      if (Date.now() > options.deadline) throw new DeadlinePassedError('the request deadline passed');
    } else options.signal?.throwIfAborted();
    const last = typeof line === 'string' ? line.charCodeAt(line.length - 1) : line.at(-1);
    if (last !== 0x0a) throw new TypeError('archive lines must end with a newline');
    const receivedAt = receivedAtOf(line);
    for (;;) {
      const file = await this.fileFor(receivedAt);
      try {
        return await file.append(line, !isMarkedPrivate(line));
      } catch (error) {
        // Sealed between being chosen and written to: the next file takes it.
        if (!file.isClosed) throw error;
      }
    }
  }

  /**
   * Tells `listener` of every file opened, every batch committed (on disk) and every file closed,
   * so a reader can tail the files without polling. Returns the unsubscribe function.
   */
  onChange(listener: (change: RawFileChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Whether the object at `key` (its path under the root) may still be appended to. */
  isOpen(key: string): boolean {
    return this.open.has(key);
  }

  /**
   * Closes the files of hours before `hour`, once their appends are on disk: a later append for
   * such an hour starts a new file, so compacting (and deleting) these files never loses one.
   */
  async sealHoursBefore(hour: Date): Promise<void> {
    const current = this.current;
    if (current !== undefined && current.hour < hour.getTime()) this.current = undefined;
    const sealed = [...this.open.entries()].filter(
      ([key]) => (hourOfKey(key)?.getTime() ?? Infinity) < hour.getTime(),
    );
    await Promise.all(sealed.map(([, file]) => this.close(file)));
  }

  /** Waits until every append so far is on disk, and closes every file. */
  async close(file?: GroupCommitFile): Promise<void> {
    if (file !== undefined) {
      await file.close();
      this.open.delete(this.keyOf(file.path));
      this.notify(file, true);
      return;
    }
    await this.opening?.catch(() => undefined);
    this.current = undefined;
    await Promise.all([...this.open.values()].map((f) => this.close(f)));
  }

  private async fileFor(receivedAt: Date): Promise<GroupCommitFile> {
    const hour = hourStart(receivedAt).getTime();
    const limit = this.options.maxFileBytes ?? 64 * 1024 * 1024;
    for (;;) {
      const current = this.current;
      if (
        current &&
        current.hour === hour &&
        current.file.committedBytes < limit &&
        !current.file.isBroken &&
        !current.file.isClosed
      ) {
        return current.file;
      }
      if (this.opening) {
        // Someone else is rotating: wait, then look again (the new file may fit).
        await this.opening.catch(() => undefined);
        continue;
      }
      // The caller that rotates uses its new file, so callers of two hours cannot keep flipping it.
      const opening = this.rotate(receivedAt, current?.file);
      this.opening = opening;
      try {
        const file = await opening;
        this.current = { file, hour };
        return file;
      } finally {
        this.opening = undefined;
      }
    }
  }

  private async rotate(receivedAt: Date, previous: GroupCommitFile | undefined): Promise<GroupCommitFile> {
    const dir = join(this.root, rawPrefix(hourStart(receivedAt)));
    const fs = this.options.fs ?? nodeArchiveFileSystem;
    // Every directory of a new hour, day, month or year is on disk before the first answer in it.
    await makeDirectoriesDurably(fs, dir);
    const stamp = receivedAt.toISOString().replace(/[-:.]/g, '');
    const file: GroupCommitFile = await GroupCommitFile.open(
      join(dir, `local-${stamp}-${process.pid}-${this.sequence++}.ndjson`),
      { onCommit: (_size, unmarked) => this.notify(file, false, unmarked), fs },
    );
    this.open.set(this.keyOf(file.path), file);
    this.notify(file, false);
    // Appends already queued on the old file still complete; it is closed once they have.
    if (previous !== undefined) this.close(previous).catch(() => undefined);
    return file;
  }

  private notify(file: GroupCommitFile, closed: boolean, unmarked: readonly ByteRange[] = []): void {
    const change = {
      key: this.keyOf(file.path),
      path: file.path,
      committedBytes: file.committedBytes,
      closed,
      unmarked,
    };
    for (const listener of this.listeners) listener(change);
  }

  private keyOf(path: string): string {
    return relative(this.root, path).split(sep).join('/');
  }
}
