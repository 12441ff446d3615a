import type { Outcome, QueueMessage } from '@github-webhooks/pulse-republisher';
import type { LogLine, RawLog, TailedFile } from './raw-log';
import { messageIdOf, takeBatch } from './settle';

/** A batch read from a file and handed to the publisher; its outcomes come later. */
export interface InFlight {
  readonly file: TailedFile;
  readonly from: number;
  /** Just past the batch's last record. */
  readonly to: number;
  readonly lines: readonly LogLine[];
  readonly tornBytes: number;
  readonly outcomes: Promise<Outcome[]>;
}

export interface ReadAheadOptions {
  readonly republish: (messages: readonly QueueMessage[]) => Promise<Outcome[]>;
  /** Public records per batch. Default 512. */
  readonly batchSize?: number | undefined;
  /** Bytes read per batch (more for a single longer record). Default 16 MiB. */
  readonly maxBatchBytes?: number | undefined;
}

/**
 * The relay's batches: each read from the log and handed to the publisher at once, and the next
 * one read while the one before it awaits its confirms (at most one ahead), so the broker always
 * has work.
 */
export class ReadAhead {
  /** The batch read ahead and already with the publisher, while the one before it is confirmed. */
  private ahead: InFlight | undefined;

  constructor(
    private readonly log: RawLog,
    private readonly options: ReadAheadOptions,
  ) {}

  /** A batch is read ahead, but not at the file's position: the loop turned to another file. */
  isAside(file: TailedFile): boolean {
    return this.ahead !== undefined && (this.ahead.file !== file || this.ahead.from !== file.offset);
  }

  get holding(): boolean {
    return this.ahead !== undefined;
  }

  /** The batch at the file's position: the one read ahead, or one read now. */
  async current(file: TailedFile): Promise<InFlight> {
    const current = this.ahead ?? (await this.begin(file, file.offset));
    this.ahead = undefined;
    return current;
  }

  /** Reads the batch after `batch` (records marked private before it passed), if anything is left. */
  async readNext(file: TailedFile, batch: InFlight): Promise<void> {
    const next = this.log.skippable(file, batch.to);
    if (next < file.readable) this.ahead = await this.begin(file, next);
  }

  /** Takes the batch read ahead (to settle it). */
  take(): InFlight | undefined {
    const ahead = this.ahead;
    this.ahead = undefined;
    return ahead;
  }

  /** Drops the batch read ahead of a failure once the publisher is done with it (it is read again). */
  async drop(): Promise<void> {
    if (this.ahead === undefined) return;
    await this.ahead.outcomes;
    this.ahead = undefined;
  }

  /** Drops the batch read ahead of a file that is gone, however the publisher fared with it. */
  async dropFile(key: string): Promise<void> {
    if (this.ahead === undefined || this.ahead.file.key !== key) return;
    await this.ahead.outcomes.catch(() => undefined);
    this.ahead = undefined;
  }

  /** Reads a batch of the file from `from` and hands its public records to the publisher. */
  private async begin(file: TailedFile, from: number): Promise<InFlight> {
    const chunk = await this.log.read(file, this.options.maxBatchBytes ?? 16 * 1024 * 1024, from);
    const batch = takeBatch(chunk.lines, this.options.batchSize ?? 512);
    const messages = batch.public.map((line) => ({
      messageId: messageIdOf(file.key, line),
      body: line.bytes,
    }));
    return {
      file,
      from,
      to: batch.lines.at(-1)?.end ?? from,
      lines: batch.lines,
      tornBytes: chunk.tornBytes,
      outcomes: messages.length > 0 ? this.options.republish(messages) : Promise.resolve([]),
    };
  }
}
