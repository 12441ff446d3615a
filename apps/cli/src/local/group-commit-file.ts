import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type ArchiveFileSystem, nodeArchiveFileSystem } from './archive-file-system';

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
  /** Reported with its byte range when its batch commits. */
  readonly marked: boolean;
}

/** Where a marked append landed in the file. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/**
 * An append-only file whose appends resolve only once they are on disk. Appends that arrive while
 * a write is in flight are written and fsynced together (group commit), so durability costs one
 * fdatasync per batch rather than per append.
 */
export interface GroupCommitOptions {
  /**
   * Called after each batch is on disk, before its appends resolve, with the new committed size
   * and where the batch's marked appends are.
   */
  readonly onCommit?: (committedBytes: number, marked: readonly ByteRange[]) => void;
  /** Where the file is opened and its directory fsynced. Default `node:fs/promises`. */
  readonly fs?: Pick<ArchiveFileSystem, 'openForAppend' | 'syncDirectory'>;
}

export class GroupCommitFile {
  private pending: (string | Uint8Array)[] = [];
  private waiters: Waiter[] = [];
  private flushing: Promise<void> | undefined;
  private closed = false;
  private closing: Promise<void> | undefined;
  private broken: Error | undefined;
  /** Bytes known to be on disk. */
  committedBytes: number;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    size: number,
    private readonly options: GroupCommitOptions,
  ) {
    this.committedBytes = size;
  }

  static async open(path: string, options: GroupCommitOptions = {}): Promise<GroupCommitFile> {
    const fs = options.fs ?? nodeArchiveFileSystem;
    const handle = await fs.openForAppend(path);
    const { size } = await handle.stat();
    // A new file's directory entry must be durable too, or a crash could lose the whole file.
    await fs.syncDirectory(dirname(path));
    return new GroupCommitFile(path, handle, size, options);
  }

  /** Appends text (UTF-8) or bytes; a `marked` append's range is reported to onCommit. */
  append(data: string | Uint8Array, marked = false): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`${this.path} is closed`));
    return new Promise((resolve, reject) => {
      this.pending.push(data);
      this.waiters.push({ resolve, reject, marked });
      this.flushing ??= this.flushLoop();
    });
  }

  /** Waits for every append so far to be on disk. */
  async flush(): Promise<void> {
    await this.flushing;
  }

  async close(): Promise<void> {
    if (this.closing === undefined) {
      this.closed = true;
      this.closing = (async () => {
        await this.flushing;
        await this.handle.close();
      })();
    }
    await this.closing;
  }

  private async flushLoop(): Promise<void> {
    while (this.pending.length > 0) {
      const parts = this.pending;
      const batch = parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : part));
      const waiters = this.waiters;
      this.pending = [];
      this.waiters = [];
      try {
        if (this.broken) throw this.broken;
        await this.writeFully(batch);
        await this.handle.datasync();
        const start = this.committedBytes;
        this.committedBytes += batch.reduce((sum, part) => sum + part.byteLength, 0);
        this.options.onCommit?.(this.committedBytes, markedRanges(parts, waiters, start));
        for (const waiter of waiters) waiter.resolve();
      } catch (error) {
        await this.discardTail(error);
        for (const waiter of waiters) waiter.reject(error);
      }
    }
    this.flushing = undefined;
  }

  /**
   * Writes the batch's parts with writev (no copy into one buffer). One call may write less than
   * asked (a nearly full disk): keep going until all is written.
   */
  private async writeFully(parts: readonly Uint8Array[]): Promise<void> {
    let rest = parts.filter((part) => part.byteLength > 0);
    while (rest.length > 0) {
      const { bytesWritten } = await this.handle.writev(rest);
      if (bytesWritten === 0) throw new Error(`${this.path}: write made no progress`);
      rest = skipBytes(rest, bytesWritten);
    }
  }

  /**
   * A failed batch may have left part of itself in the file. Cut it off, so the next batch does not
   * continue a torn line; if even that fails, refuse further appends (the owner starts a new file).
   */
  private async discardTail(cause: unknown): Promise<void> {
    if (this.broken) return;
    try {
      await this.handle.truncate(this.committedBytes);
    } catch {
      this.broken = new Error(`${this.path} is unusable after a failed write`, { cause });
    }
  }

  /** True once close() was called: appends are refused from then on. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** True when the file refuses appends after a failure it could not undo. */
  get isBroken(): boolean {
    return this.broken !== undefined;
  }
}

/** What is left of `parts` after its first `bytes` were written. */
function skipBytes(parts: readonly Uint8Array[], bytes: number): Uint8Array[] {
  let skip = bytes;
  const rest: Uint8Array[] = [];
  for (const part of parts) {
    if (skip >= part.byteLength) {
      skip -= part.byteLength;
      continue;
    }
    rest.push(skip > 0 ? part.subarray(skip) : part);
    skip = 0;
  }
  return rest;
}

function markedRanges(
  parts: readonly (string | Uint8Array)[],
  waiters: readonly Waiter[],
  start: number,
): ByteRange[] {
  const ranges: ByteRange[] = [];
  let offset = start;
  for (const [i, part] of parts.entries()) {
    const end = offset + (typeof part === 'string' ? Buffer.byteLength(part) : part.byteLength);
    if (waiters[i]?.marked) ranges.push({ start: offset, end });
    offset = end;
  }
  return ranges;
}
