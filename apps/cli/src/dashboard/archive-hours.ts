import { archiveStats } from '@github-webhooks/archive';
import type { ObjectStore } from '@github-webhooks/object-store';

export interface ArchiveHours {
  readonly hours: readonly { readonly hour: string; readonly total: number; readonly public: number }[];
  readonly events: readonly { readonly event: string; readonly total: number; readonly public: number }[];
  readonly counted_at: string | undefined;
}

/** The last 24 hours of the archive, counted again at most every `everyMs` (a scan of the files). */
export class ArchiveHoursCounter {
  private last: ArchiveHours = { hours: [], events: [], counted_at: undefined };
  private running: Promise<void> | undefined;
  private countedAt = 0;

  constructor(
    private readonly store: ObjectStore,
    private readonly everyMs = 10_000,
  ) {}

  /** The latest counts; starts a new count in the background when they are older than everyMs. */
  current(): ArchiveHours {
    if (this.running === undefined && Date.now() - this.countedAt >= this.everyMs) {
      this.running = this.count().finally(() => {
        this.running = undefined;
      });
    }
    return this.last;
  }

  async settled(): Promise<void> {
    await this.running;
  }

  private async count(): Promise<void> {
    const now = Date.now();
    const stats = await archiveStats(this.store, {
      from: new Date(now - 24 * 3_600_000),
      to: new Date(now + 3_600_000),
    });
    this.countedAt = Date.now();
    this.last = {
      hours: [...stats.byHour].sort(([a], [b]) => a.localeCompare(b)).map(([hour, t]) => ({ hour, ...t })),
      events: [...stats.byEvent]
        .sort(([, a], [, b]) => b.total - a.total)
        .map(([event, t]) => ({ event, ...t })),
      counted_at: new Date(this.countedAt).toISOString(),
    };
  }
}
