/** The timers a sleep runs on: the global ones, or a test's. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(timer: unknown): void;
}

export const systemTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout),
};

/**
 * The relay loop's sleep and its wake-up call: `sleep` waits until its time passes or `rouse` is
 * called. A rouse while nobody sleeps is not lost: the next sleep returns at once. While `active`
 * says no (the loop is stopping), every sleep returns at once.
 */
export class Waker {
  private wake: (() => void) | undefined;
  /** Roused while not asleep: the next sleep returns at once. */
  private woken = false;

  constructor(
    private readonly active: () => boolean,
    private readonly timers: Timers = systemTimers,
  ) {}

  rouse(): void {
    if (this.wake === undefined) this.woken = true;
    else this.wake();
  }

  /** Sleeps until `ms` pass (never, for Infinity) or it is roused. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const finish = () => {
        if (timer !== undefined) this.timers.clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = Number.isFinite(ms) ? this.timers.setTimeout(finish, ms) : undefined;
      if (this.woken || !this.active()) {
        this.woken = false;
        finish();
        return;
      }
      this.wake = finish;
    });
  }
}
