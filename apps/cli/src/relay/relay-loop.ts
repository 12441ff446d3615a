import { Backoff } from './backoff';
import { type Timers, Waker } from './waker';

/** What a pass came to: done (true), failed and to be retried (false), or nothing to do (`idle`). */
export type Pass = boolean | 'idle';

export interface RelayLoopOptions {
  readonly minRetryMs: number;
  readonly maxRetryMs: number;
  readonly clock: () => number;
  readonly timers?: Timers | undefined;
}

/**
 * Runs passes one after another until stopped. After a pass that failed it waits, backing off;
 * with nothing to do it sleeps until something arrives (which wakes it unless it is backing off).
 */
export class RelayLoop {
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly backoff: Backoff;
  private readonly waker: Waker;

  constructor(
    private readonly pass: () => Promise<Pass>,
    options: RelayLoopOptions,
  ) {
    this.backoff = new Backoff({
      minMs: options.minRetryMs,
      maxMs: options.maxRetryMs,
      clock: options.clock,
    });
    this.waker = new Waker(() => this.running, options.timers);
  }

  /** The last pass failed: the next waits. */
  get retrying(): boolean {
    return this.backoff.retrying;
  }

  /** Since when passes have kept failing (ms since the epoch), if they have. */
  get stuckSince(): number | undefined {
    return this.backoff.stuckSince;
  }

  /** Something arrived to work on: an idle loop wakes, one backing off from a failure does not. */
  arrived(): void {
    if (!this.backoff.retrying) this.waker.rouse();
  }

  /** Waits `ms` within a pass; cut short by a stop, or by something arriving. */
  sleep(ms: number): Promise<void> {
    return this.waker.sleep(ms);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Ends the pass under way (its sleeps return at once) and stops. */
  async stop(): Promise<void> {
    this.running = false;
    this.waker.rouse();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      const pass = await this.pass();
      if (pass === 'idle') await this.waker.sleep(Number.POSITIVE_INFINITY);
      else if (pass) this.backoff.succeeded();
      else await this.waker.sleep(this.backoff.failed());
    }
  }
}
