import { join } from 'node:path';
import type { ObjectStore } from '@github-webhooks/object-store';
import type { ArchiveFiles } from './archive-view';

const HOUR_MS = 3_600_000;
/** `YYYY/MM/DD/HH` of a key under raw/ or hourly/ (`raw/2026/11/28/15/…`, `hourly/2026/11/28/15.ndjson.gz`). */
const HOUR = /^(?:raw|hourly)\/(\d{4})\/(\d{2})\/(\d{2})\/(\d{2})/;

function hourOf(key: string): number | undefined {
  const m = HOUR.exec(key);
  return m === null ? undefined : Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]));
}

/** The data files of a local archive directory, as paths DuckDB reads. */
export async function listArchiveFiles(store: ObjectStore, root: string): Promise<ArchiveFiles> {
  const hourly: { path: string; hour: number | undefined }[] = [];
  const raw: string[] = [];
  const rawHours = new Set<number>();
  for await (const object of store.list('hourly/'))
    if (object.key.endsWith('.ndjson.gz') && object.size > 0)
      hourly.push({ path: join(root, object.key), hour: hourOf(object.key) });
  for await (const object of store.list('raw/')) {
    if (object.size === 0) continue;
    raw.push(join(root, object.key));
    const hour = hourOf(object.key);
    // A raw file may hold records of the hours either side (late or straddling arrivals).
    if (hour !== undefined) for (const h of [hour - HOUR_MS, hour, hour + HOUR_MS]) rawHours.add(h);
  }
  return {
    hourly: hourly.map((h) => h.path),
    raw,
    // A key path that does not say its hour is compared with every raw record, to be safe.
    hourlyNearRaw: hourly.filter((h) => h.hour === undefined || rawHours.has(h.hour)).map((h) => h.path),
  };
}
