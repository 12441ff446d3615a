import type { Logger, MetricOf, Metrics } from '@github-webhooks/runtime';
import type { Attempt } from './attempt';
import type { HookRef } from './hooks';

/** What GitHub's rate limit leaves, from the last response's `x-ratelimit-*` headers. */
export interface RateBudget {
  readonly remaining: number | undefined;
  readonly limit: number | undefined;
}

export interface LogPage {
  /** Newest first, as GitHub lists them. */
  readonly attempts: readonly Attempt[];
  /** The cursor of the next (older) page, from the `Link` header; undefined on the last. */
  readonly next: string | undefined;
  readonly budget: RateBudget;
}

/** A hook's delivery log at GitHub. The CLI, serve and the Lambda wire the octokit client. */
export interface DeliveryLog {
  page(hook: HookRef, cursor: string | undefined): Promise<LogPage>;
  /** Asks GitHub to deliver the attempt again (202); the new attempt appears in the log. */
  redeliver(hook: HookRef, attemptId: number): Promise<RateBudget>;
}

/** Where the checkpoint is kept: a file in --state-dir, or an S3 object. */
export interface CheckpointStore {
  read(): Promise<string | undefined>;
  write(text: string): Promise<void>;
}

/** The archive's deliveries for the cross-check: whether the archive holds one GUID sent to a hook. */
export interface ArchiveIndex {
  holds(guid: string, hook: HookRef): boolean;
}

export type ReconcilerMetric = MetricOf<'delivery-reconciler'>;

export interface ReconcilePorts {
  readonly log: DeliveryLog;
  readonly checkpoint: CheckpointStore;
  readonly logger: Logger;
  readonly metrics: Metrics<ReconcilerMetric>;
  readonly clock: () => Date;
  /** Loads the archive index for the window, when an archive is to be checked. */
  readonly archive?: (from: Date, to: Date) => Promise<ArchiveIndex>;
  /** Called after each page, for a progress line. */
  readonly progress?: (event: { hook: string; attempts: number; pages: number }) => void;
}
