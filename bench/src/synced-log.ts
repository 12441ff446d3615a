/** The part of a file handle a synced log needs (a test gives a fake one to see the order of calls). */
export interface AppendHandle {
  write(data: Buffer): Promise<unknown>;
  datasync(): Promise<void>;
}

/**
 * A group-committed, fdatasync'd append-only file, written independently of the code under test:
 * appends arriving while a sync is in flight are written and synced together, and each resolves
 * only once the sync that covers it is done.
 */
export class SyncedLog {
  private pending: Buffer[] = [];
  private waiting: (() => void)[] = [];
  private busy = false;

  constructor(private readonly handle: AppendHandle) {}

  append(line: Buffer): Promise<void> {
    return new Promise((resolve) => {
      this.pending.push(line);
      this.waiting.push(resolve);
      if (!this.busy) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.busy = true;
    while (this.pending.length > 0) {
      const batch = Buffer.concat(this.pending);
      const waiting = this.waiting;
      this.pending = [];
      this.waiting = [];
      await this.handle.write(batch);
      await this.handle.datasync();
      for (const resolve of waiting) resolve();
    }
    this.busy = false;
  }
}
