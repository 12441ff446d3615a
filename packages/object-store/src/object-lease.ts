import { hostname } from 'node:os';
import { isPreconditionFailed, LeaseHeldError, LeaseLostError, type LeaseRecord } from './errors';
import { isNoSuchKey, type ObjectStore, sameETag } from './object-store';
import { isProcessGone } from './process-liveness';

export interface LeaseOptions {
  readonly store: ObjectStore;
  /** The lease object's key: one per thing guarded (e.g. one archive's compaction). */
  readonly key: string;
  /** What holds it, for people reading the lease or the error: e.g. `github-webhooks compact`. */
  readonly holder: string;
  /** How long the lease lasts unless renewed; while held it is renewed every third of this. */
  readonly ttlMs: number;
  /**
   * Also take over at once a lease whose holder is a process of this machine that is gone (a local
   * directory: a crashed command need not be waited for). Otherwise only expiry frees a lease, as on
   * S3, where the holder may be on any machine.
   */
  readonly takeOverDeadProcesses?: boolean;
  /** Told once when a held lease is lost; the lease's signal aborts with the same error. */
  readonly onLost?: (error: LeaseLostError) => void;
  readonly clock?: () => number;
}

/** Rounds of "taken: look, take over" before giving up on a lease others keep taking. */
const MAX_ROUNDS = 4;

/**
 * A lease on an object store: an object saying who holds it until when, taken with a conditional
 * write (`If-None-Match: *`) and taken over from a holder that expired (or, locally, died) only with
 * `If-Match` on the ETag that was read, so of two takers exactly one wins. The holder renews it
 * (`If-Match` on its own ETag) while working; a renewal that finds it taken means another took it
 * over after it expired, and the work must stop: `signal` aborts.
 */
export class ObjectLease {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private renewing: Promise<void> | undefined;
  private ended = false;
  private readonly clock: () => number;

  private constructor(
    private readonly options: LeaseOptions,
    private record: LeaseRecord,
    private etag: string,
    /** The expired (or dead) holder's lease this one replaced, if any. */
    readonly tookOver: LeaseRecord | undefined,
  ) {
    this.clock = options.clock ?? Date.now;
    this.timer = setInterval(() => this.renew(), Math.max(1, Math.floor(options.ttlMs / 3)));
    this.timer.unref();
  }

  /** Takes the lease, or throws LeaseHeldError naming the holder that has it. */
  static async acquire(options: LeaseOptions): Promise<ObjectLease> {
    const { store, key } = options;
    const clock = options.clock ?? Date.now;
    let seen: LeaseRecord | undefined;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const record = newRecord(options, clock());
      try {
        const etag = await store.writeIf(key, encode(record), { ifNoneMatch: '*' }, JSON_TYPE);
        return new ObjectLease(options, record, etag, undefined);
      } catch (error) {
        if (!isPreconditionFailed(error)) throw error;
      }
      let current: { body: Buffer; etag: string };
      try {
        current = await store.readWithETag(key);
      } catch (error) {
        if (isNoSuchKey(error)) continue; // released meanwhile: create it again
        throw error;
      }
      seen = decode(current.body);
      if (seen !== undefined && !isFree(seen, clock(), options)) throw new LeaseHeldError(key, seen);
      try {
        const etag = await store.writeIf(key, encode(record), { ifMatch: current.etag }, JSON_TYPE);
        return new ObjectLease(options, record, etag, seen);
      } catch (error) {
        // Another taker was first: look again, it is now the holder.
        if (!isPreconditionFailed(error)) throw error;
      }
    }
    throw new LeaseHeldError(key, seen ?? newRecord({ ...options, holder: 'another taker' }, clock()));
  }

  /** Aborts (with LeaseLostError) when the lease is lost while held. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get current(): LeaseRecord {
    return this.record;
  }

  /** Stops renewing and removes the lease object, if it is still this holder's. */
  async release(): Promise<void> {
    clearInterval(this.timer);
    await this.renewing;
    if (this.ended) return;
    this.ended = true;
    const { store, key } = this.options;
    try {
      // Not ours any more (taken over unnoticed after an expiry): the new holder's, left alone.
      if (!sameETag((await store.readWithETag(key)).etag, this.etag)) return;
    } catch (error) {
      if (isNoSuchKey(error)) return;
      throw error;
    }
    await store.delete([key]);
  }

  private renew(): void {
    if (this.renewing !== undefined || this.ended) return;
    this.renewing = (async () => {
      const record = {
        ...this.record,
        expires_at: new Date(this.clock() + this.options.ttlMs).toISOString(),
      };
      try {
        const etag = await this.options.store.writeIf(
          this.options.key,
          encode(record),
          { ifMatch: this.etag },
          JSON_TYPE,
        );
        if (this.ended) return; // released while this renewal was on its way
        this.etag = etag;
        this.record = record;
      } catch (error) {
        // A passing failure (the network) is tried again at the next tick, while the lease lasts.
        if (isPreconditionFailed(error) || this.clock() >= Date.parse(this.record.expires_at))
          this.lose(error);
      }
    })().finally(() => {
      this.renewing = undefined;
    });
  }

  private lose(cause: unknown): void {
    if (this.ended) return;
    this.ended = true;
    clearInterval(this.timer);
    const error = new LeaseLostError(this.options.key, { cause });
    this.controller.abort(error);
    this.options.onLost?.(error);
  }
}

/** Runs `work` holding the lease, released however the work ends. */
export async function withLease<T>(
  options: LeaseOptions,
  work: (lease: ObjectLease) => Promise<T>,
): Promise<T> {
  const lease = await ObjectLease.acquire(options);
  try {
    return await work(lease);
  } finally {
    await lease.release();
  }
}

const JSON_TYPE = { contentType: 'application/json' } as const;

function newRecord(options: Pick<LeaseOptions, 'holder' | 'ttlMs'>, now: number): LeaseRecord {
  return {
    holder: options.holder,
    host: hostname(),
    pid: process.pid,
    acquired_at: new Date(now).toISOString(),
    expires_at: new Date(now + options.ttlMs).toISOString(),
  };
}

function isFree(record: LeaseRecord, now: number, options: LeaseOptions): boolean {
  const expires = Date.parse(record.expires_at);
  if (Number.isNaN(expires) || expires <= now) return true;
  return options.takeOverDeadProcesses === true && isProcessGone(record.host, record.pid);
}

const encode = (record: LeaseRecord): Buffer => Buffer.from(`${JSON.stringify(record)}\n`);

/** The lease an object holds; undefined for anything else, which is taken over like an expired one. */
function decode(body: Buffer): LeaseRecord | undefined {
  try {
    const value = JSON.parse(body.toString('utf8')) as Partial<LeaseRecord> | null;
    if (typeof value?.expires_at !== 'string' || typeof value.holder !== 'string') return undefined;
    return {
      holder: value.holder,
      host: String(value.host ?? ''),
      pid: Number(value.pid ?? 0),
      acquired_at: String(value.acquired_at ?? ''),
      expires_at: value.expires_at,
    };
  } catch {
    return undefined;
  }
}
