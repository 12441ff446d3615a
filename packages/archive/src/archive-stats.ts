import { hourLabel, hourStart } from '@github-webhooks/events';
import type { ObjectStore } from '@github-webhooks/object-store';
import { type ScanRange, scanArchive } from './scan-archive';

export interface Tally {
  total: number;
  public: number;
}

export interface ArchiveStats {
  readonly byHour: Map<string, Tally>;
  readonly byEvent: Map<string, Tally>;
  readonly total: Tally;
  readonly malformed: number;
}

/** Counts of archived deliveries by hour and by event, public and all. */
export async function archiveStats(
  store: ObjectStore,
  range: ScanRange,
  onProgress?: (n: number) => void,
): Promise<ArchiveStats> {
  const counters = { malformed: 0 };
  const byHour = new Map<string, Tally>();
  const byEvent = new Map<string, Tally>();
  const total: Tally = { total: 0, public: 0 };
  for await (const { record } of scanArchive(store, range, counters)) {
    const hour = hourLabel(hourStart(new Date(record.received_at)));
    for (const tally of [get(byHour, hour), get(byEvent, record.event), total]) {
      tally.total += 1;
      if (record.public) tally.public += 1;
    }
    onProgress?.(total.total);
  }
  return { byHour, byEvent, total, malformed: counters.malformed };
}

function get(map: Map<string, Tally>, key: string): Tally {
  let tally = map.get(key);
  if (!tally) {
    tally = { total: 0, public: 0 };
    map.set(key, tally);
  }
  return tally;
}
