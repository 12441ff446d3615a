import {
  COMPACTOR_LEASE_KEY,
  type CompactionReport,
  compactPending,
  hourClosesAt,
  withCompactorLease,
} from '@github-webhooks/archive-compactor';
import { addHours, hourStart } from '@github-webhooks/events';
import { isLeaseHeld, type ObjectStore } from '@github-webhooks/object-store';
import { describeError, errorLine, type JsonLogger } from '@github-webhooks/runtime';

export interface CompactionTimerOptions {
  readonly store: ObjectStore;
  /** 0 turns the timer off. */
  readonly intervalMs: number;
  readonly latenessMs: number;
  readonly logger: JsonLogger;
  /** Closes the archive's files of hours before this one (they may then be compacted and deleted). */
  readonly sealHoursBefore?: (hour: Date) => Promise<void>;
  /** Whether a raw object may be deleted now (not while it may still be appended to). */
  readonly disposable?: (key: string) => boolean;
  /** Who compacts, in the archive's lease. Default `github-webhooks serve`. */
  readonly holder?: string;
  readonly clock?: () => Date;
}

export interface CompactionState {
  readonly enabled: boolean;
  readonly running: boolean;
  readonly last_run?: string;
  readonly last_error?: string;
  readonly hours_compacted: number;
}

/**
 * Runs the compactor in the background, as the scheduled Lambda does in AWS. Runs never overlap;
 * the local archive starts a new file each hour, so only the lateness margin is waited for. Each
 * run holds the archive's compactor lease: while `github-webhooks compact` has it, the run is
 * skipped (and the next interval tries again).
 */
export class CompactionTimer {
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> | undefined;
  private lastRun: Date | undefined;
  private lastError: string | undefined;
  private hoursCompacted = 0;

  constructor(private readonly options: CompactionTimerOptions) {}

  get state(): CompactionState {
    return {
      enabled: this.options.intervalMs > 0,
      running: this.current !== undefined,
      ...(this.lastRun ? { last_run: this.lastRun.toISOString() } : {}),
      ...(this.lastError ? { last_error: this.lastError } : {}),
      hours_compacted: this.hoursCompacted,
    };
  }

  start(): void {
    if (this.options.intervalMs <= 0) return;
    this.timer = setInterval(() => {
      this.current ??= this.runOnce()
        .then(() => undefined)
        .finally(() => {
          this.current = undefined;
        });
    }, this.options.intervalMs);
    this.timer.unref();
  }

  async runOnce(): Promise<CompactionReport | undefined> {
    try {
      const now = (this.options.clock ?? (() => new Date()))();
      const rule = { latenessMs: this.options.latenessMs, bufferMs: 0 };
      // The hours about to count as closed: nothing is appended to their files any more.
      let open = hourStart(now);
      while (hourClosesAt(addHours(open, -1), rule) > now) open = addHours(open, -1);
      await this.options.sealHoursBefore?.(open);
      const logger = this.options.logger.child({ component: 'compactor' });
      const report = await withCompactorLease(
        {
          store: this.options.store,
          holder: this.options.holder ?? 'github-webhooks serve',
          local: true,
          logger,
        },
        (signal) =>
          compactPending({
            store: this.options.store,
            now,
            ...rule,
            logger,
            signal,
            ...(this.options.disposable === undefined ? {} : { disposable: this.options.disposable }),
          }),
      );
      this.lastRun = new Date();
      this.lastError = undefined;
      this.hoursCompacted += report.hoursCompacted;
      return report;
    } catch (error) {
      if (isLeaseHeld(error)) {
        this.options.logger.warn('compaction skipped: another compactor holds the archive', {
          component: 'compactor',
          lease: COMPACTOR_LEASE_KEY,
          holder: error.current.holder,
          holder_pid: error.current.pid,
          expires_at: error.current.expires_at,
        });
        return undefined;
      }
      this.lastError = errorLine(error);
      this.options.logger.error('compaction failed; it runs again at the next interval', {
        error: describeError(error),
      });
      return undefined;
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.current;
  }
}
