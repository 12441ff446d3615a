/**
 * A counting semaphore, first come first served: bounds how many publishes await their confirm at
 * once, so a batch is pipelined rather than a series of round trips, without unbounded buffering.
 */
export class Window {
  private active = 0;
  // A queue with a moving head: Array#shift is O(n), which a long queue of waiters makes quadratic.
  private waiting: (() => void)[] = [];
  private head = 0;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1)
      throw new RangeError(`window size must be a positive integer, got ${size}`);
  }

  /** Slots currently taken. */
  get inUse(): number {
    return this.active;
  }

  /** Callers waiting for a slot. */
  get queued(): number {
    return this.waiting.length - this.head;
  }

  acquire(): Promise<void> {
    if (this.active < this.size) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Hands the slot straight to the longest waiter, so order is kept and no one starves. */
  release(): void {
    const next = this.waiting[this.head];
    if (next === undefined) {
      this.active--;
      return;
    }
    this.waiting[this.head] = noop;
    this.head++;
    if (this.head === this.waiting.length) {
      this.waiting = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.waiting.length) {
      this.waiting = this.waiting.slice(this.head);
      this.head = 0;
    }
    next();
  }
}

const noop = (): void => undefined;
