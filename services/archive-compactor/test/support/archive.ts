import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { createPayloadObject } from '@github-webhooks/archive';
import { formatRecordLine, type RecordBody } from '@github-webhooks/events';
import { type Example, githubExamples } from '@github-webhooks/fixtures';
import { FsObjectStore, type ObjectStore, S3ObjectStore, uploadInParts } from '@github-webhooks/object-store';
import { type RunningS3rver, startS3rver } from '@github-webhooks/object-store/src/testing';

export const HOUR = 3_600_000;
export const MINUTE = 60_000;
/** 2026-11-28T10:00Z, the hour most tests compact. */
export const H10 = new Date(Date.UTC(2026, 10, 28, 10));
export const at = (hour: Date, minutes: number, ms = 0) => new Date(hour.getTime() + minutes * MINUTE + ms);

const examples = githubExamples().filter((e) => JSON.stringify(e.payload).length < 20_000);
/** A real webhook payload, by number (cycling through the fixtures). */
export const example = (n: number): Example => examples[n % examples.length] as Example;

export interface TestRecord {
  readonly id: string;
  readonly receivedAt: Date;
  readonly n: number;
}

/** The NDJSON line (with newline) of a record carrying fixture payload n. */
export function line(record: TestRecord, body?: RecordBody): string {
  const e = example(record.n);
  return formatRecordLine(
    { deliveryId: record.id, event: e.event, receivedAt: record.receivedAt, public: true, hookId: '123' },
    body ?? { payloadText: JSON.stringify(e.payload) },
  );
}

export const rec = (id: string, receivedAt: Date, n = 0): TestRecord => ({ id, receivedAt, n });

export const gz = (text: string): Buffer => gzipSync(Buffer.from(text));

/** A raw Firehose object key in the prefix of `hour`. */
export const rawKey = (hour: Date, name: string): string => {
  const p = hour.toISOString();
  return `raw/${p.slice(0, 4)}/${p.slice(5, 7)}/${p.slice(8, 10)}/${p.slice(11, 13)}/github-webhooks-1-${name}`;
};

/** The lines of an hourly file (without newlines). */
export async function hourlyLines(store: ObjectStore, key: string): Promise<string[]> {
  const text = gunzipSync(await store.readAll(key)).toString('utf8');
  return text === '' ? [] : text.slice(0, -1).split('\n');
}

export const idsOf = (lines: readonly string[]): string[] =>
  lines.map((l) => (JSON.parse(l) as { delivery_id: string }).delivery_id);

export async function keys(store: ObjectStore, prefix: string): Promise<string[]> {
  const found: string[] = [];
  for await (const o of store.list(prefix)) found.push(o.key);
  return found;
}

export function payloadObject(id: string, n: number) {
  return createPayloadObject(id, JSON.stringify(example(n).payload));
}

export interface StoreFixture {
  readonly name: string;
  make(): Promise<ObjectStore>;
  cleanup(): Promise<void>;
}

/** A fresh empty FsObjectStore per make(). */
export function fsStores(): StoreFixture {
  const roots: string[] = [];
  return {
    name: 'FsObjectStore',
    async make() {
      const root = await mkdtemp(join(tmpdir(), 'compactor-'));
      roots.push(root);
      return new FsObjectStore(root);
    },
    async cleanup() {
      await Promise.all(roots.map((r) => rm(r, { recursive: true, force: true })));
    },
  };
}

/** A fresh empty prefix of one s3rver bucket per make(). */
export function s3Stores(): StoreFixture {
  let server: RunningS3rver | undefined;
  let n = 0;
  return {
    name: 'S3ObjectStore (s3rver)',
    async make() {
      server ??= await startS3rver();
      return new S3ObjectStore({
        client: server.client(),
        bucket: server.bucket,
        prefix: `t${++n}-${Date.now()}`,
        // As the compactor's handler builds it: hourly files are streamed up in parts.
        uploadInParts,
      });
    },
    async cleanup() {
      await server?.stop();
    },
  };
}

export type Call = { readonly method: string; readonly keys: readonly string[] };

/** Records every call (method and keys) made to a store. */
export function recording(store: ObjectStore): { store: ObjectStore; calls: Call[] } {
  const calls: Call[] = [];
  const wrapped: ObjectStore = {
    list: (prefix) => {
      calls.push({ method: 'list', keys: [prefix] });
      return store.list(prefix);
    },
    read: (key, o) => {
      calls.push({ method: 'read', keys: [key] });
      return store.read(key, o);
    },
    readAll: (key, o) => {
      calls.push({ method: 'readAll', keys: [key] });
      return store.readAll(key, o);
    },
    head: (key) => {
      calls.push({ method: 'head', keys: [key] });
      return store.head(key);
    },
    write: (key, body, o) => {
      calls.push({ method: 'write', keys: [key] });
      return store.write(key, body, o);
    },
    writeIf: (key, body, condition, o) => {
      calls.push({ method: 'writeIf', keys: [key] });
      return store.writeIf(key, body, condition, o);
    },
    readWithETag: (key, o) => {
      calls.push({ method: 'readWithETag', keys: [key] });
      return store.readWithETag(key, o);
    },
    delete: (keys) => {
      calls.push({ method: 'delete', keys });
      return store.delete(keys);
    },
    tag: (keys, tags) => {
      calls.push({ method: 'tag', keys });
      return store.tag(keys, tags);
    },
  };
  return { store: wrapped, calls };
}

export const mutations = (calls: readonly Call[]) =>
  calls.filter((c) => c.method === 'write' || c.method === 'delete' || c.method === 'tag');

export interface Manifest {
  readonly version: number;
  readonly records: number;
  readonly sha256: string;
  readonly compressed_bytes: number;
  readonly uncompressed_bytes: number;
  readonly duplicates_dropped: number;
  readonly quarantined: number;
  readonly first_received_at: string | null;
  readonly last_received_at: string | null;
  readonly sources: readonly {
    key: string;
    size: number;
    records: number;
    quarantined: number;
    hours: string[];
    tagged?: true;
  }[];
  readonly [field: string]: unknown;
}

export async function manifestOf(store: ObjectStore, hourPath: string): Promise<Manifest> {
  return JSON.parse((await store.readAll(`manifests/${hourPath}.manifest.json`)).toString()) as Manifest;
}
