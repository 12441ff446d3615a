import { createHash } from 'node:crypto';
import type { ObjectStore } from '@github-webhooks/object-store';
import {
  at,
  fsStores,
  gz,
  H10,
  HOUR,
  line,
  rawKey,
  rec,
  type StoreFixture,
  s3Stores,
  type TestRecord,
} from './archive';

/** The hours around H10, and a time at which all three are long closed. */
export const H9 = new Date(H10.getTime() - HOUR);
export const H11 = new Date(H10.getTime() + HOUR);
export const LATER = new Date(H10.getTime() + 6 * HOUR);

export const ndjson = (records: readonly TestRecord[]): string => records.map((r) => line(r)).join('');
/** The lines of `records` as an hourly file holds them (no newline). */
export const trimmed = (records: readonly TestRecord[]): string[] => records.map((r) => line(r).trimEnd());
export const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** A store that can show an object's tags (both test stores can). */
export type TaggedStore = ObjectStore & { getTags?(key: string): Promise<Record<string, string>> };

/** The stores every compaction behaviour is checked on: a directory and S3 (s3rver). */
export const everyStore = (): StoreFixture[] => [fsStores(), s3Stores()];

/** Objects of three prefixes: straddling records, duplicates, gzip and plain, out of order. */
export async function seed(store: ObjectStore) {
  const records = {
    a1: rec('a1', at(H9, 50), 1),
    a2: rec('a2', at(H9, 59, 59_900), 2),
    b0: rec('b0', at(H10, 0, 100), 3),
    b1: rec('b1', at(H10, 10), 4),
    d: rec('d', at(H10, 20), 5),
    dLater: rec('d', at(H10, 25), 5),
    b2: rec('b2', at(H10, 30), 6),
    b3: rec('b3', at(H10, 59, 59_999), 7),
    c1: rec('c1', at(H11, 0, 50), 8),
  };
  const r = records;
  const objects = {
    // Prefix 09 holds records of 09 and of 10.
    A: { key: rawKey(H9, 'A'), body: gz(ndjson([r.a1, r.a2, r.b0])) },
    // Plain (not gzipped) NDJSON, holding records of 10 and 11.
    B: { key: rawKey(H10, 'B'), body: Buffer.from(ndjson([r.b2, r.d, r.b3, r.c1])) },
    // A later duplicate of d, and a record older than the rest of the object.
    C: { key: rawKey(H10, 'C'), body: gz(ndjson([r.dLater, r.b1])) },
  };
  for (const o of Object.values(objects)) await store.write(o.key, o.body);
  return { records, objects };
}
