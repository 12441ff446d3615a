import { type FileHandle, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fsyncDirectory } from './fsync-directory';

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * An append-only file whose appends resolve only once they are on disk. Appends that arrive while
 * a write is in flight are written and fsynced together (group commit), so durability costs one
 * fdatasync per batch rather than per append.
 */
export class GroupCommitFile {
  private pending: string[] = [];
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
  ) {
    this.committedBytes = size;
  }

  static async open(path: string): Promise<GroupCommitFile> {
    const handle = await open(path, 'a');
    const { size } = await handle.stat();
    // A new file's directory entry must be durable too, or a crash could lose the whole file.
    await fsyncDirectory(dirname(path));
    return new GroupCommitFile(path, handle, size);
  }

  append(data: string): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`${this.path} is closed`));
    return new Promise((resolve, reject) => {
      this.pending.push(data);
      this.waiters.push({ resolve, reject });
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
      const batch = Buffer.from(this.pending.join(''));
      const waiters = this.waiters;
      this.pending = [];
      this.waiters = [];
      try {
        if (this.broken) throw this.broken;
        await this.writeFully(batch);
        await this.handle.datasync();
        this.committedBytes += batch.byteLength;
        for (const waiter of waiters) waiter.resolve();
      } catch (error) {
        await this.discardTail(error);
        for (const waiter of waiters) waiter.reject(error);
      }
    }
    this.flushing = undefined;
  }

  /** One write call may write less than asked (a nearly full disk): keep going until all is written. */
  private async writeFully(data: Buffer): Promise<void> {
    for (let offset = 0; offset < data.byteLength; ) {
      const { bytesWritten } = await this.handle.write(data, offset, data.byteLength - offset);
      if (bytesWritten === 0) throw new Error(`${this.path}: write made no progress`);
      offset += bytesWritten;
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
