import { mkdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { hourOfKey, hourStart, rawPrefix } from '@github-webhooks/events';
import type { ArchiveSink, CallOptions } from '@github-webhooks/ingestion';
import { GroupCommitFile } from './group-commit-file';

const RECEIVED_AT = '"received_at":"';

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

  constructor(
    private readonly root: string,
    private readonly options: { maxFileBytes?: number } = {},
  ) {}

  async append(line: string, options: CallOptions = {}): Promise<void> {
    options.signal?.throwIfAborted();
    if (!line.endsWith('\n')) throw new TypeError('archive lines must end with a newline');
    const receivedAt = receivedAtOf(line);
    for (;;) {
      const file = await this.fileFor(receivedAt);
      try {
        return await file.append(line);
      } catch (error) {
        // Sealed between being chosen and written to: the next file takes it.
        if (!file.isClosed) throw error;
      }
    }
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
    await mkdir(dir, { recursive: true });
    const stamp = receivedAt.toISOString().replace(/[-:.]/g, '');
    const file = await GroupCommitFile.open(
      join(dir, `local-${stamp}-${process.pid}-${this.sequence++}.ndjson`),
    );
    this.open.set(this.keyOf(file.path), file);
    // Appends already queued on the old file still complete; it is closed once they have.
    if (previous !== undefined) this.close(previous).catch(() => undefined);
    return file;
  }

  private keyOf(path: string): string {
    return relative(this.root, path).split(sep).join('/');
  }
}

/** The record's `received_at`, which the record format puts near the start of every line. */
export function receivedAtOf(line: string): Date {
  const at = line.indexOf(RECEIVED_AT);
  const date =
    at === -1 ? undefined : new Date(line.slice(at + RECEIVED_AT.length, at + RECEIVED_AT.length + 24));
  if (!date || Number.isNaN(date.getTime())) throw new TypeError('archive line has no received_at');
  return date;
}
