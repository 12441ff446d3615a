import { parseHourLabel } from '@github-webhooks/events';
import type { Context } from './context';
import { findSource, type HourManifest } from './manifest';
import type { SourceObject } from './sources';

export interface Disposed {
  readonly deleted: number;
  readonly tagged: number;
}

/**
 * Deletes (or tags for lifecycle expiry) the raw objects that are fully covered: the manifest
 * of every hour the object holds records of, its own prefix hour included, lists it. Those
 * manifests are written only after their hourly files were read back and verified.
 */
export async function disposeCovered(context: Context, objects: readonly SourceObject[]): Promise<Disposed> {
  const covered: SourceObject[] = [];
  for (const object of objects) {
    if (object.kind !== 'raw' || context.disposed.has(object.key) || !context.disposable(object.key))
      continue;
    if ((await isCovered(context, object)) && (await isUnchanged(context, object))) covered.push(object);
  }
  if (covered.length === 0) return { deleted: 0, tagged: 0 };
  context.signal?.throwIfAborted();
  const keys = covered.map((o) => o.key);
  if (context.disposal === 'delete') {
    await context.store.delete(keys);
  } else {
    await context.store.tag(keys, context.expiryTags);
    await rememberTagged(context, covered);
  }
  for (const key of keys) context.disposed.add(key);
  const how = context.disposal === 'delete' ? 'deleted' : 'tagged';
  context.logger.info(`raw objects ${how}`, { count: keys.length, keys });
  context.metrics.count(how === 'deleted' ? 'RawObjectsDeleted' : 'RawObjectsTagged', keys.length);
  context.progress({ type: 'raw-disposed', how, keys: keys.length });
  return how === 'deleted' ? { deleted: keys.length, tagged: 0 } : { deleted: 0, tagged: keys.length };
}

/**
 * The object is still what was compacted. S3 objects never change, but a local archive file can
 * still be growing when someone compacts an hour that is not over: never delete appended records.
 */
async function isUnchanged(context: Context, object: SourceObject): Promise<boolean> {
  const now = await context.store.head(object.key);
  if (now === undefined || now.size === object.size) return true;
  context.logger.warn('raw object changed since it was compacted; kept for the next run', {
    key: object.key,
    compacted_bytes: object.size,
    bytes_now: now.size,
  });
  return false;
}

export async function isCovered(context: Context, object: SourceObject): Promise<boolean> {
  const entry = findSource(await context.manifests.get(object.home), object);
  if (entry === undefined) return false;
  // Tagged objects stay listed until they expire: the flag spares tagging them every run.
  if (context.disposal === 'tag' && entry.tagged) return false;
  for (const label of entry.hours) {
    const hour = parseHourLabel(label);
    if (hour === undefined) return false;
    if (hour.getTime() === object.home.getTime()) continue;
    if (findSource(await context.manifests.get(hour), object) === undefined) return false;
  }
  return true;
}

async function rememberTagged(context: Context, objects: readonly SourceObject[]): Promise<void> {
  const byHome = new Map<number, Set<string>>();
  for (const o of objects) {
    const keys = byHome.get(o.home.getTime()) ?? new Set<string>();
    keys.add(o.key);
    byHome.set(o.home.getTime(), keys);
  }
  for (const [time, keys] of byHome) {
    const hour = new Date(time);
    const manifest = (await context.manifests.get(hour)) as HourManifest;
    const sources = manifest.sources.map((s) => (keys.has(s.key) ? { ...s, tagged: true as const } : s));
    await context.manifests.save(hour, { ...manifest, sources });
  }
}
