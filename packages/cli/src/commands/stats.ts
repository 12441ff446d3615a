import { hourLabel, hourStart } from '@github-webhooks/events';
import type { ObjectStore } from '@github-webhooks/object-store';
import { type ScanRange, scanArchive } from './archive-scan';

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
export async function stats(
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

/** The stats as an aligned text table. */
export function formatStats(result: ArchiveStats): string {
  const rows = (title: string, map: Map<string, Tally>) =>
    [...map.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(
        ([key, t]) =>
          `${title.padEnd(6)} ${key.padEnd(32)} ${String(t.total).padStart(9)} ${String(t.public).padStart(9)}`,
      );
  return [
    `${'by'.padEnd(6)} ${'key'.padEnd(32)} ${'total'.padStart(9)} ${'public'.padStart(9)}`,
    ...rows('hour', result.byHour),
    ...rows('event', result.byEvent),
    `${'all'.padEnd(6)} ${''.padEnd(32)} ${String(result.total.total).padStart(9)} ${String(result.total.public).padStart(9)}`,
    ...(result.malformed > 0
      ? [`${result.malformed} unreadable line(s): see quarantine/ after compaction`]
      : []),
  ].join('\n');
}
