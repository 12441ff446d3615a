import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Outcome, QueueMessage } from '@github-webhooks/pulse-republisher';
import { describeError, errorLine, type Logger } from '@github-webhooks/runtime';
import { RawFileGoneError } from '../errors';
import { type RawFileChange, receivedAtOf } from '../local/disk-archive';
import { isMarkedPrivate } from '../local/record-marks';
import { AttemptCounter } from './attempts';
import { addLegacyOutbox, removeLegacySegment } from './legacy-outbox';
import { type LogLine, RawLog, type TailedFile } from './raw-log';
import { RelayCursor } from './relay-cursor';
import { relayHasPassed } from './relay-passed';

export interface ArchiveRelayOptions {
  /** The archive directory: raw files under `raw/`, the cursor under `relay/`. */
  readonly root: string;
  /** The archive this process appends to, followed through its commit notifications. */
  readonly archive: { onChange(listener: (change: RawFileChange) => void): () => void };
  /** The pulse-republisher's batch use case, wired to the AMQP publisher. */
  readonly republish: (messages: readonly QueueMessage[]) => Promise<Outcome[]>;
  /** Keeps records that can never be published (the local dead-letter queue). */
  readonly deadLetter: (line: string) => Promise<void>;
  readonly logger: Logger;
  /** Public records per batch. Default 512. */
  readonly batchSize?: number;
  /**
   * Bytes read per batch (more for a single longer record). Default 16 MiB: enough large records
   * at once to keep the broker's confirms coming (a 1 MiB push: 16 in flight, 16 more read ahead).
   */
  readonly maxBatchBytes?: number;
  readonly minRetryMs?: number;
  readonly maxRetryMs?: number;
  /**
   * Tries of the first waiting record, with the broker reachable, before it is dead-lettered (a
   * message the broker refuses, or a queue that nacks). Failures while the broker cannot be reached
   * do not count: an outage delays, it never dead-letters. Default 5.
   */
  readonly maxAttempts?: number;
  readonly clock?: () => number;
}

export interface RelayState {
  /** Public deliveries this process accepted that the broker has not confirmed yet. */
  readonly pending: number;
  /** Age of the oldest record not yet relayed (0 when caught up). */
  readonly lagSeconds: number;
  /** Archive bytes not yet read (earlier runs' included). */
  readonly backlogBytes: number;
  readonly published: number;
  readonly deadLettered: number;
  readonly retrying: boolean;
  readonly lastError: string | undefined;
  /** Since when the first waiting record has kept failing (ms since the epoch), if it has. */
  readonly stuckSince: number | undefined;
  /** Tries of the first waiting record so far. */
  readonly attempts: number;
  /** Raw files that went before the relay read them: their records never reached the broker. */
  readonly lost: readonly LostRange[];
}

/** Bytes of a raw file that were never relayed because the file is gone (to its end if unknown). */
export interface LostRange {
  readonly key: string;
  readonly fromOffset: number;
  readonly toOffset: number | undefined;
}

interface InFlight {
  readonly file: TailedFile;
  readonly from: number;
  /** Just past the batch's last record. */
  readonly to: number;
  readonly lines: readonly LogLine[];
  readonly tornBytes: number;
  readonly outcomes: Promise<Outcome[]>;
}

/** Failures no retry can fix: the record goes to the dead-letter file instead of blocking the log. */
const PERMANENT = new Set(['bad_message']);
const SAVE_PRUNE_EVERY = 64;
const PASSED_SAVE_MS = 5_000;

/**
 * Publishes the archive's public records to the broker, in order, from a durable cursor: the raw
 * files are the only durable copy. The cursor moves past a record only once the broker confirmed
 * it (or it was dead-lettered, or refused as private), so an outage or a restart delays records
 * and never drops one; a crash may publish a few again. Its own I/O errors are logged and retried.
 */
export class ArchiveRelay {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  /** Something arrived while the loop was not asleep: its next sleep returns at once. */
  private woken = false;
  private published = 0;
  private deadLettered = 0;
  private accepted = 0;
  private passedLive = 0;
  private retryMs = 0;
  private lastError: string | undefined;
  private stuckSince: number | undefined;
  /** The arrival of the first record not yet relayed, while behind. */
  private behindSince: number | undefined;
  /** Files found gone before they were read, and since when the relay knows: it stays unhealthy. */
  private readonly lost: RawFileGoneError[] = [];
  private lostSince: number | undefined;
  private dirty = false;
  /** Records settled since the cursor was saved were published or dead-lettered (not just passed). */
  private dirtyConfirmed = false;
  private savedAt = 0;
  private saves = 0;
  private readonly attempts: AttemptCounter;
  /** The batch read ahead and already with the publisher, while the one before it is confirmed. */
  private ahead: InFlight | undefined;
  private readonly clock: () => number;
  private readonly unsubscribe: () => void;

  private constructor(
    private readonly options: ArchiveRelayOptions,
    private readonly cursor: RelayCursor,
    private readonly log: RawLog,
  ) {
    this.clock = options.clock ?? Date.now;
    this.attempts = new AttemptCounter(options.maxAttempts ?? 5);
    this.unsubscribe = options.archive.onChange((change) => {
      log.apply(change);
      // New records wake an idle relay, never one backing off from a broker failure.
      if (this.retryMs === 0) this.rouse();
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
    relay.noteGone(pruned);
    const legacy = await addLegacyOutbox(options.root, log);
    if (legacy > 0)
      options.logger.warn('relaying what an earlier version left in outbox/', { segments: legacy });
    await log.scan();
    return relay;
  }

  /**
   * A lost file keeps the relay unhealthy until a person looks (a restart): its error is the one
   * shown, and it counts as stuck since it was found, which /healthz turns into a 503.
   */
  get state(): RelayState {
    const since = [this.lostSince, this.stuckSince].filter((t) => t !== undefined);
    return {
      pending: Math.max(0, this.accepted - this.passedLive),
      lagSeconds: this.behindSince === undefined ? 0 : Math.max(0, (this.clock() - this.behindSince) / 1000),
      backlogBytes: this.log.backlogBytes,
      published: this.published,
      deadLettered: this.deadLettered,
      retrying: this.retryMs > 0,
      lastError: this.lost.length === 0 ? this.lastError : lostLine(this.lost),
      stuckSince: since.length === 0 ? undefined : Math.min(...since),
      attempts: this.attempts.current,
      lost: this.lost.map(({ key, fromOffset, toOffset }) => ({ key, fromOffset, toOffset })),
    };
  }

  /** Ingestion accepted a public delivery (it is in the archive): counted until relayed. */
  noteAccepted(): void {
    this.accepted += 1;
  }

  /** Whether the compactor may delete the raw file at `key`: the relay has read all of it. */
  hasPassed(key: string): boolean {
    return relayHasPassed(this.cursor, key);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Finishes the batch in flight, saves the cursor, then stops. */
  async stop(): Promise<void> {
    this.running = false;
    this.rouse();
    await this.loop;
    await this.settleAhead().catch(() => undefined);
    this.unsubscribe();
    await this.persist(true).catch((error: unknown) => {
      this.options.logger.error('relay cursor not saved; records may be published again', {
        error: describeError(error),
      });
    });
  }

  private async run(): Promise<void> {
    while (this.running) {
      let complete = true;
      try {
        const file = this.log.next();
        if (file === undefined) {
          this.behindSince = undefined;
          await this.persist(false);
          await this.sleep(Number.POSITIVE_INFINITY);
          continue;
        }
        complete = await this.step(file);
      } catch (error) {
        if (error instanceof RawFileGoneError) {
          // Retrying cannot bring it back: say so once, and go on with the files after it.
          await this.giveUp(error);
        } else {
          this.lastError = errorLine(error);
          this.options.logger.error('relay failed; retrying', { error: describeError(error) });
          complete = false;
        }
      }
      if (complete) {
        this.retryMs = 0;
        this.lastError = undefined;
        this.stuckSince = undefined;
      } else {
        this.stuckSince ??= this.clock();
        const { minRetryMs = 500, maxRetryMs = 30_000 } = this.options;
        this.retryMs = Math.min(maxRetryMs, Math.max(minRetryMs, this.retryMs * 2));
        await this.sleep(this.retryMs);
      }
    }
  }

  /**
   * Relays one batch of the file. The next batch is read and handed to the publisher while this
   * one awaits its confirms, so the broker always has work (no pause between batches). True unless
   * a record failed and must be retried; the batch read ahead is then dropped, and read again.
   */
  private async step(file: TailedFile): Promise<boolean> {
    // The loop turned to another file (an earlier one got records): settle what was read ahead first.
    if (this.ahead !== undefined && (this.ahead.file !== file || this.ahead.from !== file.offset))
      return this.settleAhead();
    // Records this process wrote and marked private are passed over without reading them back.
    const skippable = this.log.skippable(file);
    if (skippable > file.offset && this.ahead === undefined) {
      await this.settle(file, skippable, false);
      return true;
    }
    const current =
      this.ahead?.file === file && this.ahead.from === file.offset
        ? this.ahead
        : await this.begin(file, file.offset);
    this.ahead = undefined;
    if (current.lines.length === 0) {
      if (current.tornBytes > 0) {
        this.options.logger.warn('skipped a torn last line (a crash mid-append; it was never acknowledged)', {
          key: file.key,
          bytes: current.tornBytes,
        });
      }
      if (file.closed) await this.settle(file, file.readable, current.tornBytes > 0);
      else await this.sleep(100); // nothing complete yet: wait for the next commit
      return true;
    }
    this.behindSince ??= arrivalOf((current.lines[0] as LogLine).bytes, this.clock());
    const next = this.log.skippable(file, current.to);
    if (next < file.readable) this.ahead = await this.begin(file, next);
    const complete = await this.finish(file, current);
    if (!complete && this.ahead !== undefined) {
      // Read ahead of a failure: whatever of it the broker took is published again after the retry.
      await this.ahead.outcomes;
      this.ahead = undefined;
    }
    if (complete) this.behindSince = undefined;
    return complete;
  }

  /** Reports a file found gone while being read, and leaves it. */
  private async giveUp(error: RawFileGoneError): Promise<void> {
    if (this.ahead !== undefined && this.ahead.file.key === error.key) {
      await this.ahead.outcomes.catch(() => undefined);
      this.ahead = undefined;
    }
    this.log.drop(error.key);
    this.reportLost(error);
    await this.persist(true).catch(() => undefined);
  }

  /** Files the cursor still had, not read to their end, that are gone (found at start or on a prune). */
  private noteGone(pruned: readonly { key: string; position: { offset: number; done: boolean } }[]): void {
    for (const { key, position } of pruned)
      if (!position.done) this.reportLost(new RawFileGoneError(key, position.offset, undefined));
  }

  private reportLost(error: RawFileGoneError): void {
    this.lost.push(error);
    this.lostSince ??= this.clock();
    this.options.logger.error(
      'raw file gone before the relay read it; its public records never reached the broker',
      {
        key: error.key,
        from_offset: error.fromOffset,
        ...(error.toOffset === undefined
          ? {}
          : { to_offset: error.toOffset, lost_bytes: error.toOffset - error.fromOffset }),
      },
    );
  }

  /** Settles the batch read ahead when it follows on from its file's position, else drops it. */
  private async settleAhead(): Promise<boolean> {
    const ahead = this.ahead;
    this.ahead = undefined;
    if (ahead === undefined) return true;
    if (ahead.from >= ahead.file.offset && this.log.skippable(ahead.file) >= ahead.from)
      return this.finish(ahead.file, ahead);
    await ahead.outcomes;
    return true;
  }

  /** Reads a batch of the file from `from` and hands its public records to the publisher. */
  private async begin(file: TailedFile, from: number): Promise<InFlight> {
    const chunk = await this.log.read(file, this.options.maxBatchBytes ?? 16 * 1024 * 1024, from);
    const batch = takeBatch(chunk.lines, this.options.batchSize ?? 512);
    const messages = batch.public.map((line) => ({ messageId: `${file.key}:${line.end}`, body: line.bytes }));
    return {
      file,
      from,
      to: batch.lines.at(-1)?.end ?? from,
      lines: batch.lines,
      tornBytes: chunk.tornBytes,
      outcomes: messages.length > 0 ? this.options.republish(messages) : Promise.resolve([]),
    };
  }

  /** Settles a batch's records in order, up to the first that must be retried. */
  private async finish(file: TailedFile, batch: InFlight): Promise<boolean> {
    const outcomes = await batch.outcomes;
    const byId = new Map(outcomes.map((o) => [o.messageId, o]));
    let settledTo = Math.max(file.offset, batch.from);
    let complete = true;
    let confirmed = 0;
    for (const line of batch.lines) {
      const outcome = isMarkedPrivate(line.bytes) ? undefined : byId.get(`${file.key}:${line.end}`);
      if (outcome !== undefined) {
        const verdict = await this.settleOutcome(outcome, line, confirmed === 0);
        if (verdict === 'retry') {
          complete = false;
          this.behindSince = arrivalOf(line.bytes, this.clock());
          break;
        }
        confirmed += 1;
        if (file.live) this.passedLive += 1;
      }
      settledTo = line.end;
    }
    if (settledTo > file.offset) await this.settle(file, settledTo, false, confirmed > 0);
    return complete;
  }

  /** What to do with a record after its try: settled (published, refused, dead-lettered) or retry. */
  private async settleOutcome(
    outcome: Outcome,
    line: LogLine,
    isHead: boolean,
  ): Promise<'settled' | 'retry'> {
    if (outcome.status === 'published') {
      this.published += 1;
      this.attempts.reset();
      return 'settled';
    }
    // Refused as private: never published, and the archive holds it; nothing to keep.
    if (outcome.reason === 'refused_private') return 'settled';
    let reason: string = outcome.reason;
    if (!PERMANENT.has(outcome.reason)) {
      this.lastError = outcome.reason;
      const exhausted = this.attempts.count(outcome.messageId, isHead && !outcome.brokerUnavailable);
      if (!exhausted) return 'retry';
      reason = `${outcome.reason} ${this.attempts.current} times with the broker reachable`;
    }
    await this.options.deadLetter(`${JSON.stringify({ reason, body: line.bytes.toString('utf8') })}\n`);
    this.deadLettered += 1;
    this.attempts.reset();
    this.options.logger.error('record dead-lettered', {
      delivery_id: outcome.deliveryId,
      event: outcome.event,
      reason,
    });
    return 'settled';
  }

  /** Moves the file's position; saves the cursor once the broker confirmed, or the file is done. */
  private async settle(file: TailedFile, offset: number, torn: boolean, confirmed = false): Promise<void> {
    const wasDone = file.done;
    this.log.advance(file, offset, torn);
    this.dirty = true;
    this.dirtyConfirmed ||= confirmed;
    if (file.done && !wasDone && file.legacy) {
      await removeLegacySegment(this.options.root, file.key, this.log.next()?.legacy !== true);
      this.cursor.delete(file.key);
    }
    if (confirmed || (file.done && !wasDone)) await this.persist(true);
  }

  /**
   * Saves the cursor when it covers confirmed records; progress over private records only is saved
   * at most every few seconds (reading them again after a crash costs little and publishes nothing).
   */
  private async persist(force: boolean): Promise<void> {
    if (!force && !this.dirty) return;
    if (!force && !this.dirtyConfirmed && this.clock() - this.savedAt < PASSED_SAVE_MS) return;
    if (++this.saves % SAVE_PRUNE_EVERY === 0) {
      const pruned = await this.cursor.prune();
      this.log.forget(pruned.map((p) => p.key));
      this.noteGone(pruned);
    }
    await this.cursor.save();
    this.dirty = false;
    this.dirtyConfirmed = false;
    this.savedAt = this.clock();
  }

  private rouse(): void {
    if (this.wake === undefined) this.woken = true;
    else this.wake();
  }

  /** Sleeps until `ms` pass or it is roused; a rouse that came while awake is not lost. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const finish = () => {
        if (timer) clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = Number.isFinite(ms) ? setTimeout(finish, ms) : undefined;
      if (this.woken || !this.running) {
        this.woken = false;
        finish();
        return;
      }
      this.wake = finish;
    });
  }
}

function lostLine(lost: readonly RawFileGoneError[]): string {
  const first = lost[0] as RawFileGoneError;
  return lost.length === 1 ? first.message : `${first.message} (and ${lost.length - 1} more files)`;
}

function takeBatch(lines: readonly LogLine[], size: number) {
  const taken: LogLine[] = [];
  const publics: LogLine[] = [];
  for (const line of lines) {
    if (!isMarkedPrivate(line.bytes)) {
      if (publics.length === size) break;
      publics.push(line);
    }
    taken.push(line);
  }
  return { lines: taken, public: publics };
}

function arrivalOf(line: Buffer, fallback: number): number {
  try {
    return receivedAtOf(line).getTime();
  } catch {
    return fallback;
  }
}
