import type { Drift, DriftObserver } from '@github-webhooks/ingestion';

/**
 * What the page lists per drift. Not the repository, nor the GUID: the delivery is private, and
 * the page shows a private delivery's content only to the token's session.
 */
export interface DriftEntry {
  readonly at: string;
  readonly event: string;
  readonly action: string | null;
  readonly reason: Drift['reason'];
  readonly field: string | null;
}

export const KEPT_DRIFTS = 20;

/** The last few drifts ingestion reported, in memory only; their counts are ingestion's metrics. */
export class DriftLog implements DriftObserver {
  private readonly items: DriftEntry[] = [];

  note(drift: Drift): void {
    const { event, action, reason, field } = drift;
    this.items.push({ at: new Date().toISOString(), event, action, reason, field });
    if (this.items.length > KEPT_DRIFTS) this.items.shift();
  }

  /** Newest first. */
  recent(): DriftEntry[] {
    return [...this.items].reverse();
  }
}
