import type { Attempt } from './attempt';
import type { HookRef } from './hooks';
import type { DeliveryLog, RateBudget } from './ports';

export interface ScanOptions {
  /** Attempts older than this are not read (the window). */
  readonly since: Date;
  /** Stop at attempts older than this: the newest one the previous run saw (incremental scan). */
  readonly until?: Date | undefined;
  /** Stop before a call once GitHub's remaining budget is at or below this. */
  readonly reserve: number;
  readonly onPage?: (attempts: number, pages: number) => void;
}

export interface Scan {
  readonly attempts: Attempt[];
  /** False when it stopped on the rate budget before reaching the end of what it was to read. */
  readonly complete: boolean;
  readonly calls: number;
  readonly budget: RateBudget;
}

/**
 * Reads a hook's log from the newest attempt down to the window's start (or the previous run's
 * newest attempt), page by page. The log has no time filter: this is the whole cost of a run.
 */
export async function scanHook(
  log: DeliveryLog,
  hook: HookRef,
  options: ScanOptions,
  budget: RateBudget = { remaining: undefined, limit: undefined },
): Promise<Scan> {
  const attempts: Attempt[] = [];
  const floor = Math.max(options.since.getTime(), options.until?.getTime() ?? Number.NEGATIVE_INFINITY);
  let cursor: string | undefined;
  let calls = 0;
  let last = budget;
  for (;;) {
    if (last.remaining !== undefined && last.remaining <= options.reserve)
      return { attempts, complete: false, calls, budget: last };
    const page = await log.page(hook, cursor);
    calls += 1;
    last = page.budget;
    let older = false;
    for (const attempt of page.attempts) {
      // Equal to the previous run's newest: read again (more may share its second); ids deduplicate.
      if (Date.parse(attempt.delivered_at) < floor) {
        older = true;
        break;
      }
      attempts.push(attempt);
    }
    options.onPage?.(attempts.length, calls);
    if (older || page.next === undefined) return { attempts, complete: true, calls, budget: last };
    cursor = page.next;
  }
}
