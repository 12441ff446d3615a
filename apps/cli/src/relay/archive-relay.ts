import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describeError, errorLine } from '@github-webhooks/runtime';
import { RawFileGoneError } from '../errors';
import { CursorSaver } from './cursor-saver';
import { LostFiles } from './lost-files';
import { type LogLine, RawLog, type TailedFile } from './raw-log';
import { type InFlight, ReadAhead } from './read-ahead';
import { RelayCursor } from './relay-cursor';
import { Lag } from './relay-lag';
import { type Pass, RelayLoop } from './relay-loop';
import type { ArchiveRelayOptions, RelayState } from './relay-options';
import { relayHasPassed } from './relay-passed';
import { RelayTally } from './relay-tally';
import { settleBatch } from './settle';

export type { LostRange } from './lost-files';
export type { ArchiveRelayOptions, RelayState } from './relay-options';

/**
 * Publishes the archive's public records to the broker, in order, from a durable cursor: the raw
 * files are the only durable copy. The cursor moves past a record only once the broker confirmed
 * it (or it was dead-lettered, or refused as private), so an outage or a restart delays records
 * and never drops one; a crash may publish a few again. Its own I/O errors are logged and retried.
 * It orchestrates parts of their own: the loop with its sleeps and back-off (relay-loop.ts), the
 * batches in flight (read-ahead.ts), the rule that settles them (settle.ts) and what they came to
 * (relay-tally.ts), when the cursor is saved (cursor-saver.ts), the lag, and lost files.
 */
export class ArchiveRelay {
  private readonly loop: RelayLoop;
  private readonly tally: RelayTally;
  private readonly lag: Lag;
  private readonly batches: ReadAhead;
  private readonly saver: CursorSaver;
  private readonly lost: LostFiles;
  private readonly unsubscribe: () => void;

  private constructor(
    private readonly options: ArchiveRelayOptions,
    private readonly cursor: RelayCursor,
    private readonly log: RawLog,
  ) {
    const { clock = Date.now, minRetryMs = 500, maxRetryMs = 30_000, timers } = options;
    this.tally = new RelayTally(options.deadLetter, options.logger);
    this.lag = new Lag(clock);
    this.batches = new ReadAhead(log, options);
    this.loop = new RelayLoop(() => this.pass(), { minRetryMs, maxRetryMs, clock, timers });
    this.lost = new LostFiles(options.logger, clock);
    this.saver = new CursorSaver(cursor, {
      clock,
      onPrune: (pruned) => {
        log.forget(pruned.map((p) => p.key));
        this.lost.noteGone(pruned);
      },
    });
    this.unsubscribe = options.archive.onChange((change) => {
      log.apply(change);
      // New records wake an idle relay, never one backing off from a broker failure.
      this.loop.arrived();
    });
  }

  /** Loads the cursor and finds the files to read, before the archive is first appended to. */
  static async open(options: ArchiveRelayOptions): Promise<ArchiveRelay> {
    const dir = join(options.root, 'relay');
    await mkdir(dir, { recursive: true });
    const cursor = await RelayCursor.load(options.root, dir);
    const pruned = await cursor.prune();
    const log = new RawLog(options.root, cursor);
    const relay = new ArchiveRelay(options, cursor, log);
    relay.lost.noteGone(pruned);
    await log.scan();
    return relay;
  }

  /**
   * A lost file keeps the relay unhealthy until a person looks (a restart): its error is the one
   * shown, and it counts as stuck since it was found, which /healthz turns into a 503.
   */
  get state(): RelayState {
    const since = [this.lost.since, this.loop.stuckSince].filter((t) => t !== undefined);
    return {
      ...this.tally.state,
      lagSeconds: this.lag.seconds,
      backlogBytes: this.log.backlogBytes,
      retrying: this.loop.retrying,
      lastError: this.lost.error ?? this.tally.lastError,
      stuckSince: since.length === 0 ? undefined : Math.min(...since),
      lost: this.lost.ranges,
    };
  }

  /** Ingestion accepted a public delivery (it is in the archive): counted until relayed. */
  noteAccepted(): void {
    this.tally.accept();
  }

  /** Whether the compactor may delete the raw file at `key`: the relay has read all of it. */
  hasPassed(key: string): boolean {
    return relayHasPassed(this.cursor, key);
  }

  start(): void {
    this.loop.start();
  }

  /** Finishes the batch in flight, saves the cursor, then stops. */
  async stop(): Promise<void> {
    await this.loop.stop();
    await this.settleAhead().catch(() => undefined);
    this.unsubscribe();
    await this.saver.save(true).catch((error: unknown) => {
      this.options.logger.error('relay cursor not saved; records may be published again', {
        error: describeError(error),
      });
    });
  }

  /** One pass of the loop: a batch of the first file with something to read, if there is one. */
  private async pass(): Promise<Pass> {
    let complete: boolean;
    try {
      const file = this.log.next();
      if (file === undefined) {
        this.lag.caughtUp();
        await this.saver.save(false);
        return 'idle';
      }
      complete = await this.step(file);
    } catch (error) {
      complete = await this.failed(error);
    }
    if (complete) this.tally.lastError = undefined;
    return complete;
  }

  /** A pass threw: a file found gone is given up (retrying cannot bring it back), the rest retried. */
  private async failed(error: unknown): Promise<boolean> {
    if (error instanceof RawFileGoneError) {
      await this.giveUp(error);
      return true;
    }
    this.tally.lastError = errorLine(error);
    this.options.logger.error('relay failed; retrying', { error: describeError(error) });
    return false;
  }

  /**
   * Relays one batch of the file. The next batch is read and handed to the publisher while this
   * one awaits its confirms, so the broker always has work (no pause between batches). True unless
   * a record failed and must be retried; the batch read ahead is then dropped, and read again.
   */
  private async step(file: TailedFile): Promise<boolean> {
    // The loop turned to another file (an earlier one got records): settle what was read ahead first.
    if (this.batches.isAside(file)) return this.settleAhead();
    // Records this process wrote and marked private are passed over without reading them back.
    const skippable = this.log.skippable(file);
    if (skippable > file.offset && !this.batches.holding) {
      await this.settle(file, skippable, false);
      return true;
    }
    const current = await this.batches.current(file);
    if (current.lines.length === 0) {
      if (current.tornBytes > 0) {
        this.options.logger.warn('skipped a torn last line (a crash mid-append; it was never acknowledged)', {
          key: file.key,
          bytes: current.tornBytes,
        });
      }
      if (file.closed) await this.settle(file, file.readable, current.tornBytes > 0);
      else await this.loop.sleep(100); // nothing complete yet: wait for the next commit
      return true;
    }
    this.lag.waiting((current.lines[0] as LogLine).bytes);
    await this.batches.readNext(file, current);
    const complete = await this.finish(file, current);
    // Read ahead of a failure: whatever of it the broker took is published again after the retry.
    if (!complete) await this.batches.drop();
    else this.lag.caughtUp();
    return complete;
  }

  /** Reports a file found gone while being read, and leaves it. */
  private async giveUp(error: RawFileGoneError): Promise<void> {
    await this.batches.dropFile(error.key);
    this.log.drop(error.key);
    this.lost.report(error);
    await this.saver.save(true).catch(() => undefined);
  }

  /** Settles the batch read ahead when it follows on from its file's position, else drops it. */
  private async settleAhead(): Promise<boolean> {
    const ahead = this.batches.take();
    if (ahead === undefined) return true;
    if (ahead.from >= ahead.file.offset && this.log.skippable(ahead.file) >= ahead.from)
      return this.finish(ahead.file, ahead);
    await ahead.outcomes;
    return true;
  }

  /** Settles a batch's records in order, up to the first that must be retried (settle.ts decides). */
  private async finish(file: TailedFile, batch: InFlight): Promise<boolean> {
    const settled = settleBatch({
      key: file.key,
      from: Math.max(file.offset, batch.from),
      lines: batch.lines,
      outcomes: await batch.outcomes,
      attempts: this.tally.attempts,
      maxAttempts: this.options.maxAttempts ?? 5,
    });
    await this.tally.apply(settled, file.live);
    if (settled.retry !== undefined) this.lag.retrying(settled.retry.bytes);
    if (settled.offset > file.offset) await this.settle(file, settled.offset, false, settled.confirmed > 0);
    return settled.retry === undefined;
  }

  /** Moves the file's position; saves the cursor once the broker confirmed, or the file is done. */
  private async settle(file: TailedFile, offset: number, torn: boolean, confirmed = false): Promise<void> {
    const wasDone = file.done;
    this.log.advance(file, offset, torn);
    this.saver.moved(confirmed);
    if (confirmed || (file.done && !wasDone)) await this.saver.save(true);
  }
}
