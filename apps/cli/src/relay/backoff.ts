/**
 * The relay loop's wait after a failed pass: from `minMs`, doubling to `maxMs`, back to none after
 * a pass that went through; and since when it has kept failing.
 */
export class Backoff {
  private waitMs = 0;
  private failingSince: number | undefined;

  constructor(
    private readonly options: {
      readonly minMs: number;
      readonly maxMs: number;
      readonly clock: () => number;
    },
  ) {}

  /** A pass failed and the next waits. */
  get retrying(): boolean {
    return this.waitMs > 0;
  }

  /** Since when passes have kept failing (ms since the epoch), if they have. */
  get stuckSince(): number | undefined {
    return this.failingSince;
  }

  succeeded(): void {
    this.waitMs = 0;
    this.failingSince = undefined;
  }

  /** A pass failed: how long to wait before the next. */
  failed(): number {
    const { minMs, maxMs, clock } = this.options;
    this.failingSince ??= clock();
    this.waitMs = Math.min(maxMs, Math.max(minMs, this.waitMs * 2));
    return this.waitMs;
  }
}
