import type { Attempt } from './attempt';

export type ItemOutcome = 'redelivered' | 'waiting' | 'gave_up';

/** One GUID acted on or reported. */
export interface ReportItem {
  readonly guid: string;
  readonly hook: string;
  readonly event: string;
  readonly outcome: ItemOutcome;
  /** Attempts in the log so far. */
  readonly attempts: number;
  /** Why it is redelivered: it failed, or GitHub saw a 2xx the archive does not hold. */
  readonly reason?: 'failed' | 'missing_from_archive';
  /** Not delivered and about to leave GitHub's log. */
  readonly expiring?: true;
}

/** A run's result, as `reconcile --json` prints it and /healthz shows it. */
export interface ReconcileReport {
  readonly hooks: number;
  readonly attempts: number;
  readonly deliveries: number;
  readonly delivered: number;
  readonly redelivered: number;
  readonly waiting: number;
  readonly gave_up: number;
  readonly expiring: number;
  /** False when it stopped on GitHub's rate budget (whatever it found is reported). */
  readonly complete: boolean;
  readonly dry_run: boolean;
  /** Calls made to GitHub's API. */
  readonly api_calls: number;
  readonly items: readonly ReportItem[];
}

export function itemOf(hook: string, attempts: readonly Attempt[], outcome: ItemOutcome): ReportItem {
  return {
    guid: attempts[0]?.guid ?? '',
    hook,
    event: attempts[0]?.event ?? '',
    outcome,
    attempts: attempts.length,
  };
}
