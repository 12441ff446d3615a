import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConditionalWriteProxy, waitFor } from '@github-webhooks/fixtures';
import {
  FsObjectStore,
  LeaseHeldError,
  LeaseLostError,
  type LeaseRecord,
  ObjectLease,
  type ObjectStore,
  PreconditionFailedError,
  S3ObjectStore,
  withLease,
} from '../src';
import { type RunningS3rver, startS3rver } from '../src/testing';

/** One implementation under test. */
interface Subject {
  readonly store: ObjectStore;
  /** Local directory: the lease may also be taken over from a dead process of this machine. */
  readonly local: boolean;
  cleanup(): Promise<void>;
}

let s3rver: RunningS3rver;
let proxy: ConditionalWriteProxy;
let runId = 0;

const subjects: [string, () => Promise<Subject>][] = [
  [
    'FsObjectStore',
    async () => {
      const root = await mkdtemp(join(tmpdir(), 'fs-conditional-'));
      return { store: new FsObjectStore(root), local: true, cleanup: () => rm(root, { recursive: true }) };
    },
  ],
  [
    'S3ObjectStore (s3rver behind the conditional-write proxy)',
    async () => {
      // Over the wire: every conditional write reaches the proxy as S3's headers.
      const client = s3rver.client(proxy.endpoint);
      const store = new S3ObjectStore({ client, bucket: s3rver.bucket, prefix: `conditional-${++runId}` });
      return { store, local: false, cleanup: async () => undefined };
    },
  ],
];

beforeAll(async () => {
  s3rver = await startS3rver();
  proxy = await ConditionalWriteProxy.start(s3rver.endpoint);
});
afterAll(async () => {
  await proxy.stop();
  await s3rver.stop();
});

const LEASE = 'locks/compactor.lease.json';
const text = (body: Buffer) => body.toString('utf8');
const expired = (holder: string): LeaseRecord => ({
  holder,
  host: 'elsewhere.example',
  pid: 4242,
  acquired_at: new Date(Date.now() - 3_600_000).toISOString(),
  expires_at: new Date(Date.now() - 60_000).toISOString(),
});
const settleAll = <T>(tries: Promise<T>[]) => Promise.allSettled(tries);

describe.each(subjects)('conditional writes and leases: %s', (_name, make) => {
  let subject: Subject;
  let store: ObjectStore;
  beforeEach(async () => {
    subject = await make();
    store = subject.store;
  });
  afterEach(() => subject.cleanup());

  describe('writeIf', () => {
    it('If-None-Match: * creates a key once and answers 412 when it exists, leaving it', async () => {
      const etag = await store.writeIf('locks/a', Buffer.from('first'), { ifNoneMatch: '*' });
      expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
      const second = store.writeIf('locks/a', Buffer.from('second'), { ifNoneMatch: '*' });
      await expect(second).rejects.toBeInstanceOf(PreconditionFailedError);
      await expect(second).rejects.toMatchObject({ status: 412, key: 'locks/a', condition: 'If-None-Match' });
      const read = await store.readWithETag('locks/a');
      expect(text(read.body)).toBe('first');
      expect(read.etag).toBe(etag);
    });

    it('If-Match replaces only the object with that ETag, and answers 412 for another or for none', async () => {
      const first = await store.writeIf('locks/b', Buffer.from('one'), { ifNoneMatch: '*' });
      const second = await store.writeIf('locks/b', Buffer.from('two'), { ifMatch: first });
      expect(second).not.toBe(first);
      expect(await store.readWithETag('locks/b')).toEqual({ body: Buffer.from('two'), etag: second });
      await expect(store.writeIf('locks/b', Buffer.from('three'), { ifMatch: first })).rejects.toMatchObject({
        status: 412,
        condition: 'If-Match',
      });
      await expect(store.writeIf('locks/none', Buffer.from('x'), { ifMatch: first })).rejects.toBeInstanceOf(
        PreconditionFailedError,
      );
      await expect(store.head('locks/none')).resolves.toBeUndefined();
      expect(text(await store.readAll('locks/b'))).toBe('two');
    });

    it('lets exactly one of many racing writers win, for a new key and for one ETag', async () => {
      const creates = await settleAll(
        Array.from({ length: 8 }, (_, i) =>
          store.writeIf('locks/race', Buffer.from(`w${i}`), { ifNoneMatch: '*' }),
        ),
      );
      expect(creates.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const { etag } = await store.readWithETag('locks/race');
      const swaps = await settleAll(
        Array.from({ length: 8 }, (_, i) =>
          store.writeIf('locks/race', Buffer.from(`s${i}`), { ifMatch: etag }),
        ),
      );
      expect(swaps.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of [...creates, ...swaps])
        if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(PreconditionFailedError);
      if (store instanceof FsObjectStore) {
        // No temp or lock file left beside it.
        expect(await readdir(join(store.rootDir, 'locks'))).toEqual(['race']);
      }
    });
  });

  describe('ObjectLease', () => {
    const options = (holder: string, extra: Partial<Parameters<typeof ObjectLease.acquire>[0]> = {}) => ({
      store,
      key: LEASE,
      holder,
      ttlMs: 60_000,
      takeOverDeadProcesses: subject.local,
      ...extra,
    });

    it('is held by one at a time: a second taker is told who holds it, until it is released', async () => {
      const lease = await ObjectLease.acquire(options('timer'));
      const refused = ObjectLease.acquire(options('command'));
      await expect(refused).rejects.toBeInstanceOf(LeaseHeldError);
      await expect(refused).rejects.toMatchObject({
        current: { holder: 'timer', pid: process.pid, host: hostname() },
        message: expect.stringContaining(`held by timer (pid ${process.pid} on ${hostname()})`),
      });
      await lease.release();
      await expect(store.head(LEASE)).resolves.toBeUndefined();
      await expect(withLease(options('command'), async () => 'ran')).resolves.toBe('ran');
      await expect(store.head(LEASE)).resolves.toBeUndefined();
    });

    it('takes over an expired lease (a crashed holder) with If-Match, once of two takers', async () => {
      await store.write(LEASE, Buffer.from(JSON.stringify(expired('crashed run'))));
      const takers = await settleAll([ObjectLease.acquire(options('a')), ObjectLease.acquire(options('b'))]);
      const won = takers.flatMap((t) => (t.status === 'fulfilled' ? [t.value] : []));
      expect(won).toHaveLength(1);
      expect(won[0]?.tookOver).toMatchObject({ holder: 'crashed run' });
      const lost = takers.find((t) => t.status === 'rejected');
      expect(lost?.status === 'rejected' && lost.reason).toBeInstanceOf(LeaseHeldError);
      await won[0]?.release();
    });

    it('does not take over a lease that has not expired, of a process it cannot see', async () => {
      const live = { ...expired('elsewhere'), expires_at: new Date(Date.now() + 60_000).toISOString() };
      await store.write(LEASE, Buffer.from(JSON.stringify(live)));
      await expect(ObjectLease.acquire(options('c'))).rejects.toMatchObject({
        current: { holder: 'elsewhere' },
      });
    });

    it('renews itself while held, and aborts its signal when another took it over', async () => {
      const lost: LeaseLostError[] = [];
      // Renewed every 500 ms: a renewal may come a second late on a loaded machine and still be in time.
      const lease = await ObjectLease.acquire(options('slow', { ttlMs: 1_500, onLost: (e) => lost.push(e) }));
      await new Promise((r) => setTimeout(r, 2_000));
      // Past its first expiry, still held: renewed.
      await expect(ObjectLease.acquire(options('other'))).rejects.toBeInstanceOf(LeaseHeldError);
      expect(Date.parse(lease.current.expires_at)).toBeGreaterThan(Date.now());
      expect(lease.signal.aborted).toBe(false);
      // As a taker does after an expiry: the object replaced; the next renewal finds it is not its own.
      await store.write(LEASE, Buffer.from(JSON.stringify(expired('taker'))));
      // Its next renewal finds it; waited for, not slept on, as CI's load varies.
      await waitFor('the lease to find it was taken over', () => lease.signal.aborted, 5_000);
      expect(lease.signal.reason).toBeInstanceOf(LeaseLostError);
      expect(lost).toHaveLength(1);
      await lease.release();
      // Release leaves the taker's lease alone.
      expect(JSON.parse(text(await store.readAll(LEASE)))).toMatchObject({ holder: 'taker' });
    });

    it('takes over at once the lease of a dead process of this machine (local directories only)', async () => {
      const child = spawnSync(process.execPath, ['-e', '']);
      const dead = {
        ...expired('killed command'),
        host: hostname(),
        pid: child.pid,
        expires_at: new Date(Date.now() + 600_000).toISOString(),
      };
      await store.write(LEASE, Buffer.from(JSON.stringify(dead)));
      const taking = ObjectLease.acquire(options('next'));
      if (!subject.local) {
        // On S3 the holder may be any machine's process: only its expiry frees the lease.
        await expect(taking).rejects.toBeInstanceOf(LeaseHeldError);
        return;
      }
      const lease = await taking;
      expect(lease.tookOver).toMatchObject({ holder: 'killed command', pid: child.pid });
      await lease.release();
      // A live process's lease is not taken over.
      const live = { ...dead, pid: process.ppid };
      await store.write(LEASE, Buffer.from(JSON.stringify(live)));
      await expect(ObjectLease.acquire(options('next'))).rejects.toBeInstanceOf(LeaseHeldError);
    });
  });
});

describe('ConditionalWriteProxy', () => {
  it('holds a plain write of a key until a conditional write of it in flight has ended', async () => {
    const path = `/${s3rver.bucket}/proxy-order/key`;
    const store = new S3ObjectStore({
      client: s3rver.client(proxy.endpoint),
      bucket: s3rver.bucket,
      prefix: '',
    });
    const etag = await store.writeIf('proxy-order/key', Buffer.from('v0'), { ifNoneMatch: '*' });
    // A conditional PutObject whose body is still arriving: its check is done, its write is not.
    const checked = proxy.counts.checked;
    const conditional = request(new URL(path, proxy.endpoint), {
      method: 'PUT',
      headers: { 'if-match': etag, 'content-length': 17 },
    });
    const answered = new Promise<number>((resolve, reject) => {
      conditional.once('response', (res) => resolve(res.resume().statusCode ?? 0));
      conditional.once('error', reject);
    });
    conditional.write('conditional');
    await waitFor('the proxy to check the condition', () => proxy.counts.checked > checked);
    let plainDone = false;
    const plain = store.write('proxy-order/key', Buffer.from('plain')).then(() => {
      plainDone = true;
    });
    await new Promise((r) => setTimeout(r, 300));
    const heldBack = !plainDone;
    conditional.end(' write'); // before asserting, so a failure leaves no request open
    expect(heldBack).toBe(true);
    await expect(answered).resolves.toBe(200);
    await plain;
    // On S3 the later write wins: the plain one, not the conditional one it would have slipped under.
    expect(text(await store.readAll('proxy-order/key'))).toBe('plain');
  });
});

it('the S3 subject really went through the proxy as conditional PutObjects', () => {
  expect(proxy.counts.checked).toBeGreaterThan(20);
  expect(proxy.counts.refused).toBeGreaterThan(10);
});
