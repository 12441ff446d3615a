import { addHours, hourLabel, hourOfKey, hourStart, rawPrefix } from '@github-webhooks/events';
import type { ObjectInfo, ObjectStore } from '@github-webhooks/object-store';
import type { Context } from './context';
import { findSource, type HourManifest } from './manifest';

export type SourceKind = 'raw' | 'original' | 'hourly';

/** An object records are read from. */
export interface SourceObject extends ObjectInfo {
  readonly kind: SourceKind;
  /**
   * The hour responsible for the object: its `raw/` prefix hour (when Firehose received its
   * oldest record), else the hour of its LastModified time. That hour's compaction quarantines
   * the object's malformed lines, and always lists the object.
   */
  readonly home: Date;
}

export function toSource(info: ObjectInfo, kind: SourceKind): SourceObject {
  return { ...info, kind, home: hourOfKey(info.key) ?? hourStart(info.lastModified) };
}

export async function listSources(
  store: ObjectStore,
  prefix: string,
  kind: SourceKind,
): Promise<SourceObject[]> {
  const found: SourceObject[] = [];
  for await (const info of store.list(prefix)) found.push(toSource(info, kind));
  return found;
}

export const byKey = (a: { key: string }, b: { key: string }): number =>
  Buffer.compare(Buffer.from(a.key), Buffer.from(b.key));

export interface HourSources {
  /** Objects to read now: not merged into the hour yet and possibly holding records of it. */
  readonly candidates: readonly SourceObject[];
  /** Every raw object considered (already merged ones included), for disposal. */
  readonly raw: readonly SourceObject[];
}

/**
 * The objects that can hold records of `hour`: the raw objects of its own prefix and the previous
 * one (an object's records start in its prefix hour and span at most the Firehose buffer
 * interval), plus `extra` objects known to hold some (stragglers, the original system's objects). Objects the
 * hour's manifest already lists are left out, and so are objects whose own hour's manifest says
 * they hold no record of this hour.
 */
export async function gatherSources(
  context: Context,
  hour: Date,
  previous: HourManifest | undefined,
  extra: readonly SourceObject[],
): Promise<HourSources> {
  const listed = [
    ...(await listSources(context.store, rawPrefix(addHours(hour, -1)), 'raw')),
    ...(await listSources(context.store, rawPrefix(hour), 'raw')),
  ];
  const all = new Map<string, SourceObject>();
  for (const object of [...listed, ...extra])
    if (!context.disposed.has(object.key)) all.set(object.key, object);
  const label = hourLabel(hour);
  const candidates: SourceObject[] = [];
  for (const object of all.values()) {
    if (findSource(previous, object) !== undefined) continue;
    if (object.home.getTime() !== hour.getTime()) {
      const known = findSource(await context.manifests.get(object.home), object);
      if (known !== undefined && !known.hours.includes(label)) continue;
    }
    candidates.push(object);
  }
  return {
    candidates: candidates.sort(byKey),
    raw: [...all.values()].filter((o) => o.kind === 'raw'),
  };
}
