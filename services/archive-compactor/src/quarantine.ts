import { createHash } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { quarantinePrefix } from '@github-webhooks/events';
import type { ObjectStore } from '@github-webhooks/object-store';

/**
 * `quarantine/YYYY/MM/DD/HH/<source basename>-<8 hex of sha256(source key)>.ndjson`: one file per
 * source object and hour (the hash keeps same-named objects of different prefixes apart).
 */
export function quarantineKey(hour: Date, sourceKey: string): string {
  const basename = sourceKey.slice(sourceKey.lastIndexOf('/') + 1);
  const tag = createHash('sha256').update(sourceKey).digest('hex').slice(0, 8);
  return `${quarantinePrefix(hour)}${basename}-${tag}.ndjson`;
}

export interface QuarantineEntry {
  readonly source: string;
  readonly hour: string;
  readonly reason: string;
  /** The line (or the part of it) that could not be used, as read. */
  readonly text: string;
}

/**
 * Streams a source's unusable lines to its quarantine file as they are found, so a badly broken
 * object never has to fit in memory. Nothing is written for a source without unusable lines; the
 * file's content only depends on the source, so a rerun writes the same file.
 */
export class QuarantineFile {
  count = 0;
  private stream: PassThrough | undefined;
  private written: Promise<void> | undefined;

  constructor(
    private readonly store: ObjectStore,
    readonly key: string,
  ) {}

  async add(entry: QuarantineEntry): Promise<void> {
    if (this.stream === undefined) {
      const stream = new PassThrough();
      // Failures are reported by `written`, not as unhandled 'error' events.
      stream.on('error', () => undefined);
      this.stream = stream;
      this.written = this.store.write(this.key, stream, { contentType: 'application/x-ndjson' });
      this.written.catch(() => undefined);
    }
    this.count++;
    const stream = this.stream;
    if (stream.destroyed) await this.written;
    if (!stream.write(`${JSON.stringify(entry)}\n`)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          stream.off('drain', done);
          stream.off('close', done);
          resolve();
        };
        stream.on('drain', done);
        stream.on('close', done);
      });
      if (stream.destroyed) await this.written;
    }
  }

  /** Completes the file (when there is one) and waits until it is stored. */
  async close(): Promise<void> {
    this.stream?.end();
    await this.written;
  }

  /** Abandons the file: nothing is stored. */
  async abort(reason: unknown): Promise<void> {
    this.stream?.destroy(new Error(`quarantine file ${this.key} abandoned`, { cause: reason }));
    await this.written?.catch(() => undefined);
  }
}
