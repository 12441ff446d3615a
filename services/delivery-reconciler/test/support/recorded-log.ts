import type { Attempt, DeliveryLog, HookRef, LogPage, RateBudget } from '../../src';
import { hookName } from '../../src';

/**
 * A delivery log replaying recorded attempts, newest first, in pages of `pageSize`, counting calls.
 * Redeliveries are recorded, not performed (the end-to-end test uses the GitHub stand-in).
 */
export class RecordedLog implements DeliveryLog {
  readonly pages: string[] = [];
  readonly redelivered: number[] = [];
  remaining: number | undefined;

  constructor(
    private readonly attempts: Record<string, Attempt[]>,
    private readonly pageSize = 3,
  ) {}

  async page(hook: HookRef, cursor: string | undefined): Promise<LogPage> {
    const name = hookName(hook);
    this.pages.push(`${name}@${cursor ?? 'top'}`);
    const all = [...(this.attempts[name] ?? [])].sort((a, b) => b.id - a.id);
    const start = cursor === undefined ? 0 : Number(cursor);
    const next = start + this.pageSize < all.length ? String(start + this.pageSize) : undefined;
    return { attempts: all.slice(start, start + this.pageSize), next, budget: this.budget() };
  }

  async redeliver(_hook: HookRef, attemptId: number): Promise<RateBudget> {
    this.redelivered.push(attemptId);
    return this.budget();
  }

  add(hook: string, attempt: Attempt): void {
    this.attempts[hook] = [...(this.attempts[hook] ?? []), attempt];
  }

  private budget(): RateBudget {
    if (this.remaining !== undefined) this.remaining -= 1;
    return { remaining: this.remaining, limit: 5000 };
  }
}

let nextId = 1000;
/** An attempt as GitHub lists it; `at` is minutes before `base`. */
export function attempt(
  guid: string,
  minutesAgo: number,
  code: number,
  base: Date,
  redelivery = false,
): Attempt {
  return {
    id: nextId++,
    guid,
    delivered_at: new Date(base.getTime() - minutesAgo * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    redelivery,
    status_code: code,
    status: code === 0 ? 'timed out' : code < 300 ? 'OK' : `Invalid HTTP Response: ${code}`,
    event: 'push',
    action: null,
    repository_id: 1,
  };
}

export class MemoryCheckpoint {
  text: string | undefined;
  writes = 0;
  async read() {
    return this.text;
  }
  async write(text: string) {
    this.text = text;
    this.writes += 1;
  }
}
