import {
  type ArchiveRecord,
  addHours,
  deliveryKey,
  hourlyKey,
  hourOfKey,
  hourStart,
} from '@github-webhooks/events';
import { isNoSuchKey, type ObjectStore } from '@github-webhooks/object-store';
import { readRecords } from './read-records';

export interface ScanRange {
  /** Inclusive. */
  readonly from: Date;
  /** Exclusive. */
  readonly to: Date;
}

export interface ScannedRecord {
  readonly record: ArchiveRecord;
  /** The record as one NDJSON line, as stored. */
  readonly line: string;
}

/**
 * Every archived delivery received in the range, each once (GUID, hook and payload): per hour, the compacted hourly file
 * (ordered) and then what raw objects still hold that it does not (hours not yet compacted, late
 * data). Lines that cannot be read are counted in `malformed`, never silently skipped.
 */
export async function* scanArchive(
  store: ObjectStore,
  range: ScanRange,
  counters: { malformed: number } = { malformed: 0 },
): AsyncGenerator<ScannedRecord> {
  const { hourly, rawByHome } = await indexArchive(store);
  const hours = new Set<number>([...hourly]);
  for (const home of rawByHome.keys()) hours.add(home).add(addHours(new Date(home), 1).getTime());
  const first = hourStart(range.from).getTime();
  for (const hour of [...hours].filter((h) => h >= first && h < range.to.getTime()).sort((a, b) => a - b)) {
    const seen = new Set<string>();
    const keys = [
      ...(hourly.has(hour) ? [hourlyKey(new Date(hour))] : []),
      ...(rawByHome.get(addHours(new Date(hour), -1).getTime()) ?? []),
      ...(rawByHome.get(hour) ?? []),
    ];
    for (const key of keys) {
      for await (const item of readObject(store, key)) {
        if (item.kind === 'malformed') {
          counters.malformed += 1;
          continue;
        }
        const at = Date.parse(item.record.received_at);
        if (
          hourStart(new Date(at)).getTime() !== hour ||
          at < range.from.getTime() ||
          at >= range.to.getTime()
        )
          continue;
        // One GUID goes to every hook the event reaches: a delivery is GUID, hook and payload.
        const key = deliveryKey(item.record, item.line);
        if (seen.has(key)) continue;
        seen.add(key);
        yield { record: item.record, line: item.line };
      }
    }
  }
}

async function* readObject(store: ObjectStore, key: string) {
  let stream: AsyncIterable<Uint8Array>;
  try {
    stream = await store.read(key);
  } catch (error) {
    // Compacted and deleted between listing and reading: the hourly file holds it.
    if (isNoSuchKey(error)) return;
    throw error;
  }
  yield* readRecords(stream);
}

async function indexArchive(store: ObjectStore) {
  const hourly = new Set<number>();
  for await (const object of store.list('hourly/')) {
    const hour = hourOfKey(object.key);
    if (hour && object.key.endsWith('.ndjson.gz')) hourly.add(hour.getTime());
  }
  const rawByHome = new Map<number, string[]>();
  for await (const object of store.list('raw/')) {
    const home = hourOfKey(object.key)?.getTime();
    if (home === undefined) continue;
    rawByHome.set(home, [...(rawByHome.get(home) ?? []), object.key]);
  }
  return { hourly, rawByHome };
}
