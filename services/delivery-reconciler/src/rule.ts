import { type Attempt, isSuccess } from './attempt';

export interface RuleOptions {
  readonly now: Date;
  /** Redeliveries asked for before giving up. Default 5. */
  readonly maxRedeliveries: number;
  /** How long GitHub keeps the log (72 h on github.com, 7 days on GitHub Enterprise Server). */
  readonly retentionMs: number;
  /** An undelivered GUID whose first attempt leaves the log within this is reported as expiring. */
  readonly expiringWithinMs: number;
  /** First wait after a redelivery; each further one waits four times longer. Default 5 min. */
  readonly firstSpacingMs: number;
}

export const DEFAULT_RULE = {
  maxRedeliveries: 5,
  expiringWithinMs: 6 * 3_600_000,
  firstSpacingMs: 5 * 60_000,
} as const;

export type Verdict =
  /** An attempt got a 2xx (and, with an archive to check, the archive holds it). */
  | { readonly kind: 'delivered' }
  /** Ask GitHub to deliver it again: the latest attempt. */
  | { readonly kind: 'redeliver'; readonly attemptId: number; readonly reason: RedeliverReason }
  /** A redelivery was asked for recently; its spacing has not passed. */
  | { readonly kind: 'waiting'; readonly until: Date }
  /** It had its redeliveries and still failed (e.g. a wrong secret: 401 forever). */
  | { readonly kind: 'gave_up' };

export type RedeliverReason = 'failed' | 'missing_from_archive';

/**
 * The wait after the n-th redelivery before the next: 5 min, 20 min, 80 min, 5 h 20 min, … Derived
 * from the attempts' own times, so no state is needed for backoff.
 */
export function spacingMs(redeliveries: number, firstSpacingMs: number): number {
  return redeliveries <= 0 ? 0 : firstSpacingMs * 4 ** (redeliveries - 1);
}

/**
 * What to do about one GUID, from all its attempts in the log (oldest first). `archived` is given
 * when an archive is checked: a GUID GitHub delivered that the archive does not hold is redelivered.
 */
export function decide(attempts: readonly Attempt[], options: RuleOptions, archived?: boolean): Verdict {
  const latest = attempts.at(-1);
  if (latest === undefined) throw new TypeError('a GUID has at least one attempt');
  const redeliveries = attempts.filter((a) => a.redelivery).length;
  if (attempts.some(isSuccess)) {
    if (archived !== false) return { kind: 'delivered' };
    // GitHub saw a 2xx, yet the archive has no record: a delivery answered by something else, or lost.
    return pace(latest, redeliveries, options, 'missing_from_archive');
  }
  return pace(latest, redeliveries, options, 'failed');
}

function pace(latest: Attempt, redeliveries: number, options: RuleOptions, reason: RedeliverReason): Verdict {
  if (redeliveries >= options.maxRedeliveries) return { kind: 'gave_up' };
  const until =
    Date.parse(latest.delivered_at) +
    (latest.redelivery ? spacingMs(redeliveries, options.firstSpacingMs) : 0);
  if (until > options.now.getTime()) return { kind: 'waiting', until: new Date(until) };
  return { kind: 'redeliver', attemptId: latest.id, reason };
}

/** Whether an undelivered GUID's first attempt leaves GitHub's log soon (it can no longer be redelivered then). */
export function isExpiring(attempts: readonly Attempt[], options: RuleOptions): boolean {
  const first = attempts[0];
  if (first === undefined) return false;
  const leaves = Date.parse(first.delivered_at) + options.retentionMs;
  return leaves - options.now.getTime() <= options.expiringWithinMs;
}
