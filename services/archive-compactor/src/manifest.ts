import { hourLabel, hourlyKey, manifestKey } from '@github-webhooks/events';
import type { ObjectInfo, ObjectStore } from '@github-webhooks/object-store';
import { ManifestFormatError } from './errors';

export const MANIFEST_FORMAT = 'github-webhooks/hourly-manifest';
export const MANIFEST_FORMAT_VERSION = 1;

/** A source object merged into an hour, as the manifest of that hour remembers it. */
export interface ManifestSource {
  readonly key: string;
  readonly size: number;
  /** Records of this hour the object holds (duplicates included, quarantined excluded). */
  readonly records: number;
  /** Items of this object quarantined under this hour. */
  readonly quarantined: number;
  /** Every hour (`YYYY-MM-DDTHH`) the object holds records of, its own prefix hour included. */
  readonly hours: readonly string[];
  /** Set on the manifest of the object's prefix hour once the object is tagged for expiry. */
  readonly tagged?: true;
}

/** `manifests/YYYY/MM/DD/HH.manifest.json`; field names are part of the public format (docs/archive-format.md). */
export interface HourManifest {
  readonly format: typeof MANIFEST_FORMAT;
  readonly format_version: typeof MANIFEST_FORMAT_VERSION;
  readonly hour: string;
  readonly key: string;
  /** 1 for the first hourly file of the hour, +1 for each file that replaced it (late data). */
  readonly version: number;
  readonly compacted_at: string;
  readonly records: number;
  readonly compressed_bytes: number;
  readonly uncompressed_bytes: number;
  /** Hex SHA-256 of the hourly file's (compressed) bytes. */
  readonly sha256: string;
  readonly first_received_at: string | null;
  readonly last_received_at: string | null;
  /** Record occurrences of the hour in all sources minus the records kept. */
  readonly duplicates_dropped: number;
  readonly quarantined: number;
  readonly sources: readonly ManifestSource[];
}

export function findSource(
  manifest: HourManifest | undefined,
  object: { readonly key: string; readonly size: number },
): ManifestSource | undefined {
  return manifest?.sources.find((s) => s.key === object.key && s.size === object.size);
}

/**
 * Reads and writes manifests, remembering them for the run. Existence is checked by listing the
 * exact key: without s3:ListBucket on a prefix, S3 answers a GET of a missing key with 403.
 */
export class ManifestBook {
  private readonly cache = new Map<number, Promise<HourManifest | undefined>>();

  constructor(private readonly store: ObjectStore) {}

  get(hour: Date): Promise<HourManifest | undefined> {
    let found = this.cache.get(hour.getTime());
    if (found === undefined) {
      found = this.load(hour);
      this.cache.set(hour.getTime(), found);
      // A failed load is retried on the next get.
      found.catch(() => this.cache.delete(hour.getTime()));
    }
    return found;
  }

  async save(hour: Date, manifest: HourManifest): Promise<void> {
    const body = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
    await this.store.write(manifestKey(hour), body, { contentType: 'application/json' });
    this.cache.set(hour.getTime(), Promise.resolve(manifest));
  }

  private async load(hour: Date): Promise<HourManifest | undefined> {
    const key = manifestKey(hour);
    if ((await findObject(this.store, key)) === undefined) return undefined;
    const text = (await this.store.readAll(key)).toString('utf8');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (cause) {
      throw new ManifestFormatError(`${key} is not JSON`, { cause });
    }
    return validateManifest(value, hour);
  }
}

/** The object's metadata found by listing its exact key (see ManifestBook), or undefined. */
export async function findObject(store: ObjectStore, key: string): Promise<ObjectInfo | undefined> {
  for await (const object of store.list(key)) if (object.key === key) return object;
  return undefined;
}

function validateManifest(value: unknown, hour: Date): HourManifest {
  const m = value as Partial<HourManifest> | null;
  const key = manifestKey(hour);
  if (m === null || typeof m !== 'object' || m.format !== MANIFEST_FORMAT) {
    throw new ManifestFormatError(`${key} is not a ${MANIFEST_FORMAT} document`);
  }
  if (m.format_version !== MANIFEST_FORMAT_VERSION) {
    throw new ManifestFormatError(`${key} has format_version ${m.format_version}, this compactor reads 1`);
  }
  if (m.hour !== hourLabel(hour) || m.key !== hourlyKey(hour)) {
    throw new ManifestFormatError(`${key} describes ${m.hour} (${m.key})`);
  }
  const numbers = [
    'version',
    'records',
    'compressed_bytes',
    'uncompressed_bytes',
    'duplicates_dropped',
    'quarantined',
  ];
  for (const field of numbers) {
    if (!Number.isInteger((m as Record<string, unknown>)[field])) {
      throw new ManifestFormatError(`${key}: ${field} is not an integer`);
    }
  }
  if (typeof m.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(m.sha256)) {
    throw new ManifestFormatError(`${key}: sha256 is invalid`);
  }
  const sourcesValid =
    Array.isArray(m.sources) &&
    m.sources.every(
      (s) =>
        typeof s?.key === 'string' &&
        Number.isInteger(s.size) &&
        Number.isInteger(s.records) &&
        Number.isInteger(s.quarantined) &&
        Array.isArray(s.hours) &&
        s.hours.every((h: unknown) => typeof h === 'string'),
    );
  if (!sourcesValid) throw new ManifestFormatError(`${key}: sources are invalid`);
  return m as HourManifest;
}
