import type { ObjectStore } from '@github-webhooks/object-store';
import { describeError } from '@github-webhooks/runtime';
import { compactPending } from './compact-pending';
import type { CompactorConfig } from './config';
import type { CompactorMetrics, Logger } from './ports';
import type { CompactionReport } from './report';

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

export type RunSummary = Omit<CompactionReport, 'hours'> & { readonly hours: readonly string[] };

/** The hourly invocation: compact everything pending, stop starting hours before the timeout. */
export function createScheduledRun(deps: ScheduledRunDeps) {
  const clock = deps.clock ?? (() => new Date());
  return async (_event: unknown, context: InvocationContext): Promise<RunSummary> => {
    const now = clock();
    const deadline = new Date(Date.now() + context.getRemainingTimeInMillis() - deps.config.safetyMarginMs);
    try {
      const report = await compactPending({
        store: deps.store,
        now,
        latenessMs: deps.config.latenessMs,
        bufferMs: deps.config.bufferMs,
        deadline,
        disposal: deps.config.disposal,
        expiryTags: deps.config.expiryTags,
        logger: deps.logger,
        metrics: deps.metrics,
      });
      return { ...report, hours: report.hours.map((h) => `${h.hour}:${h.status}`) };
    } catch (error) {
      deps.logger.error('compaction run failed', { error: describeError(error) });
      throw error;
    } finally {
      deps.publishMetrics();
    }
  };
}
