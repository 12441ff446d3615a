import type { OpenBytes, ParseOptions } from '@github-webhooks/archive';
import { SourceChangedError } from './errors';
import { type LineItem, lineItems } from './scan-source';

/** How pass 2 opens a source again, with what pass 1 learnt about its lines. */
export interface ReadableSource {
  readonly key: string;
  readonly open: OpenBytes;
  readonly readOptions: ParseOptions;
  readonly irregular: ReadonlySet<number>;
}

/** Out-of-order lines kept aside until their turn (see planMerge). */
export class Stash {
  bytes = 0;
  private readonly lines = new Map<number, Buffer | string>();

  put(entry: number, line: Buffer | string): void {
    // A copy: a slice would keep the whole decompressed chunk alive.
    const kept = typeof line === 'string' ? line : Buffer.from(line);
    this.lines.set(entry, kept);
    this.bytes += kept.length;
  }

  take(entry: number): Buffer | string {
    const line = this.lines.get(entry);
    if (line === undefined) throw new Error(`stash has no line for entry ${entry}`);
    this.lines.delete(entry);
    this.bytes -= line.length;
    return line;
  }
}

const READ_ATTEMPTS = 3;

/**
 * Reads one source front to back in pass 2, handing out the lines of the ordinals asked for (in
 * increasing order) and stashing the ones planned for later. It can be closed at any point and
 * reopened: it then re-reads from the start and skips what it already passed (S3 connections are
 * limited, and an idle one may be reset). Transient read errors are retried that way too.
 */
export class SourceCursor {
  lastUsed = 0;
  private items: AsyncGenerator<LineItem> | undefined;
  /** The next ordinal not passed yet. */
  private position = 0;

  constructor(
    private readonly source: ReadableSource,
    private remaining: number,
    private readonly stashes: ReadonlyMap<number, number>,
    private readonly stash: Stash,
  ) {}

  get isOpen(): boolean {
    return this.items !== undefined;
  }

  async take(ordinal: number): Promise<Buffer | string> {
    for (;;) {
      const { ordinal: at, line } = await this.next(ordinal);
      if (at < this.position) continue; // replayed after a reopen
      this.position = at + 1;
      if (at > ordinal) break;
      const entry = this.stashes.get(at);
      if (at === ordinal || entry !== undefined) {
        if (line === undefined) break; // a record in pass 1, malformed now
        if (entry !== undefined) {
          this.stash.put(entry, line);
          continue;
        }
        if (--this.remaining === 0) await this.close();
        return line;
      }
    }
    throw new SourceChangedError(`${this.source.key}: item ${ordinal} is not the record pass 1 read`);
  }

  async close(): Promise<void> {
    const items = this.items;
    this.items = undefined;
    await items?.return(undefined);
  }

  private async next(wanted: number): Promise<LineItem> {
    for (let attempt = 1; ; attempt++) {
      try {
        if (this.items === undefined) {
          this.items = lineItems(this.source.open, this.source.readOptions, this.source.irregular);
        }
        const next = await this.items.next();
        if (next.done) throw new SourceChangedError(`${this.source.key} ended before item ${wanted}`);
        return next.value;
      } catch (error) {
        if ((error as { name?: unknown }).name === 'SourceChangedError' || attempt >= READ_ATTEMPTS)
          throw error;
        await this.close().catch(() => undefined);
      }
    }
  }
}
