import { hourStart } from '@github-webhooks/events';
import { compactHourIn } from './compact-hour';
import { type CompactorOptions, type Context, createContext } from './context';
import { isCovered } from './disposal';
import { OriginalPrefixError } from './errors';
import { type CompactionReport, type HourReport, runFields, summarize } from './report';
import { scanItems } from './scan-source';
import { listSources, type SourceObject } from './sources';

export interface ImportOriginalOptions extends CompactorOptions {
  /** Where the original system's archive lives, e.g. `original/`. */
  readonly prefix: string;
  /** Start no new hour after this (wall clock). */
  readonly deadline?: Date;
}

/**
 * Imports the original system's archive (concatenated `{"event","request_id","body"}` objects,
 * uncompressed) into the hourly layout. Records without a time take their object's LastModified.
 * A first pass finds the hours each object holds; each hour is then compacted with those objects
 * as extra sources, merged with whatever the hour already has. The original system's objects are
 * never deleted. Rerunning skips objects every hour of which already lists them.
 */
export async function importOriginal(options: ImportOriginalOptions): Promise<CompactionReport> {
  if (/^(raw|hourly|quarantine|payloads)\//.test(options.prefix) || options.prefix === '') {
    throw new OriginalPrefixError(
      `the original system's prefix must be outside the archive's own prefixes, got "${options.prefix}"`,
    );
  }
  const context = createContext(options);
  const byHour = new Map<number, SourceObject[]>();
  for (const object of await listSources(context.store, options.prefix, 'original')) {
    if (await isImported(context, object)) continue;
    const hours = await hoursOf(context, object);
    context.progress({ type: 'original-scanned', key: object.key, hours: hours.size });
    for (const hour of hours) byHour.set(hour, [...(byHour.get(hour) ?? []), object]);
  }
  const reports: HourReport[] = [];
  let incomplete = false;
  for (const hour of [...byHour.keys()].sort((a, b) => a - b)) {
    if (options.deadline !== undefined && Date.now() >= options.deadline.getTime()) {
      incomplete = true;
      break;
    }
    reports.push(await compactHourIn(context, new Date(hour), byHour.get(hour) ?? []));
  }
  const report = summarize(reports, { rawDeleted: 0, rawTagged: 0, incomplete });
  context.logger.info('import of the original system finished', runFields(report));
  return report;
}

async function isImported(context: Context, object: SourceObject): Promise<boolean> {
  // Same test as for disposing raw objects, in delete mode (the original system's objects are never tagged).
  return isCovered({ ...context, disposal: 'delete' }, object);
}

async function hoursOf(context: Context, object: SourceObject): Promise<Set<number>> {
  const hours = new Set([object.home.getTime()]);
  const open = () => context.store.read(object.key);
  for await (const { item } of scanItems(open, { fallbackReceivedAt: object.lastModified }, new Set())) {
    if (item.kind === 'record') hours.add(hourStart(new Date(item.record.received_at)).getTime());
  }
  return hours;
}
