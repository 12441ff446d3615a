import { isLeaseHeld, leaseHeldFields, type ObjectStore } from '@github-webhooks/object-store';
import { describeError } from '@github-webhooks/runtime';
import { compactPending } from './compact-pending';
import { withCompactorLease } from './compactor-lease';
import type { CompactorConfig } from './config';
import type { CompactorMetrics, Logger } from './ports';
import { type CompactionReport, summarize } from './report';

export interface ScheduledRunDeps {
  readonly store: ObjectStore;
  readonly config: CompactorConfig;
  readonly logger: Logger;
  readonly metrics: CompactorMetrics;
  /** Flushes the metrics of the invocation (Powertools: publishStoredMetrics). */
  readonly publishMetrics: () => void;
  readonly clock?: () => Date;
}

export interface InvocationContext {
  getRemainingTimeInMillis(): number;
}

export type RunSummary = Omit<CompactionReport, 'hours'> & {
  readonly hours: readonly string[];
  /** Set when another compactor held the archive's lease: this run did nothing. */
  readonly lockedBy?: string;
};

/**
 * The hourly invocation: compact everything pending, stop starting hours before the timeout. It
 * holds the archive's compactor lease meanwhile; when another compactor (the CLI on the bucket) has
 * it, the run does nothing, says so, and the next hourly run tries again.
 */
export function createScheduledRun(deps: ScheduledRunDeps) {
  const clock = deps.clock ?? (() => new Date());
  return async (_event: unknown, context: InvocationContext): Promise<RunSummary> => {
    const now = clock();
    const deadline = new Date(Date.now() + context.getRemainingTimeInMillis() - deps.config.safetyMarginMs);
    try {
      const report = await withCompactorLease(
        { store: deps.store, holder: 'archive-compactor Lambda', logger: deps.logger },
        (signal) =>
          compactPending({
            store: deps.store,
            now,
            latenessMs: deps.config.latenessMs,
            bufferMs: deps.config.bufferMs,
            deadline,
            disposal: deps.config.disposal,
            expiryTags: deps.config.expiryTags,
            logger: deps.logger,
            metrics: deps.metrics,
            signal,
          }),
      );
      return { ...report, hours: report.hours.map((h) => `${h.hour}:${h.status}`) };
    } catch (error) {
      if (isLeaseHeld(error)) {
        deps.logger.warn('compaction skipped: another compactor holds the archive', leaseHeldFields(error));
        const nothing = summarize([], { rawDeleted: 0, rawTagged: 0, incomplete: true });
        return { ...nothing, hours: [], lockedBy: error.message };
      }
      deps.logger.error('compaction run failed', { error: describeError(error) });
      throw error;
    } finally {
      deps.publishMetrics();
    }
  };
}
