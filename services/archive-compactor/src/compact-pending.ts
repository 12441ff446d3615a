import { hourLabel, parseHourLabel } from '@github-webhooks/events';
import { isHourClosed } from './closed-hours';
import { compactHourIn } from './compact-hour';
import { type CompactorOptions, type Context, createContext } from './context';
import { disposeCovered } from './disposal';
import { findSource } from './manifest';
import { type CompactionReport, type HourReport, runFields, summarize } from './report';
import { listSources, type SourceObject } from './sources';

const HOUR_MS = 3_600_000;
/** An hour compacted this often in one run without settling is left for the next run. */
const MAX_PASSES_PER_HOUR = 3;

export interface CompactPendingOptions extends CompactorOptions {
  /** Extra wait after the Firehose buffer interval before an hour counts as closed. */
  readonly latenessMs: number;
  /** Firehose buffering interval. Default 900 s, its maximum. */
  readonly bufferMs?: number;
  /** Start no new hour after this (wall clock): the Lambda stops before its timeout. */
  readonly deadline?: Date;
}

/**
 * Compacts every closed hour that needs it: hours with raw objects not merged yet, hours an
 * already merged object turned out to hold records of, in time order; then disposes every raw
 * object that is fully covered (which also finishes what a killed run left).
 */
export async function compactPending(options: CompactPendingOptions): Promise<CompactionReport> {
  const context = createContext(options);
  const rule = { latenessMs: options.latenessMs, bufferMs: options.bufferMs ?? 900_000 };
  const isClosed = (hour: number) => isHourClosed(new Date(hour), options.now, rule);
  const raw = await listSources(context.store, 'raw/', 'raw');
  const reports: HourReport[] = [];
  const passes = new Map<number, number>();
  let incomplete = false;
  for (;;) {
    const work = await findWork(context, raw, isClosed);
    const next = [...work.keys()]
      .filter((h) => (passes.get(h) ?? 0) < MAX_PASSES_PER_HOUR)
      .sort((a, b) => a - b)[0];
    if (next === undefined) break;
    if (options.deadline !== undefined && Date.now() >= options.deadline.getTime()) {
      incomplete = true;
      context.logger.warn('deadline reached, hours left for the next run', {
        hours: [...work.keys()].sort((a, b) => a - b).map((h) => hourLabel(new Date(h))),
      });
      break;
    }
    passes.set(next, (passes.get(next) ?? 0) + 1);
    reports.push(await compactHourIn(context, new Date(next), work.get(next) ?? []));
  }
  const swept = await disposeCovered(context, raw);
  // The age of the oldest raw object the run left (not yet compacted, or not yet disposed of).
  const oldest = raw
    .filter((o) => !context.disposed.has(o.key))
    .reduce<number | undefined>((min, o) => Math.min(min ?? Infinity, o.lastModified.getTime()), undefined);
  context.metrics.gauge(
    'OldestRawAgeSeconds',
    oldest === undefined ? 0 : Math.max(0, Math.round((options.now.getTime() - oldest) / 1000)),
  );
  const report = summarize(reports, { rawDeleted: swept.deleted, rawTagged: swept.tagged, incomplete });
  context.logger.info('compaction run finished', runFields(report));
  return report;
}

/** Closed hours needing a compaction, each with the objects outside its two raw prefixes to read. */
async function findWork(
  context: Context,
  raw: readonly SourceObject[],
  isClosed: (hour: number) => boolean,
): Promise<Map<number, SourceObject[]>> {
  const work = new Map<number, SourceObject[]>();
  const need = (hour: number, extra?: SourceObject) => {
    if (!isClosed(hour)) return;
    const extras = work.get(hour) ?? [];
    if (extra !== undefined) extras.push(extra);
    work.set(hour, extras);
  };
  for (const object of raw) {
    if (context.disposed.has(object.key)) continue;
    const home = object.home.getTime();
    const entry = findSource(await context.manifests.get(object.home), object);
    if (entry === undefined) {
      need(home);
      continue;
    }
    for (const label of entry.hours) {
      const hour = parseHourLabel(label)?.getTime();
      if (hour === undefined || hour === home) continue;
      if (findSource(await context.manifests.get(new Date(hour)), object) !== undefined) continue;
      // The hour's own prefix and the one before are read anyway; any other holder is extra.
      const read = hour === home || hour === home + HOUR_MS;
      need(hour, read ? undefined : object);
    }
  }
  return work;
}
