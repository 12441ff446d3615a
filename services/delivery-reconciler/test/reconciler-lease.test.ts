import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConditionalWriteProxy, waitFor } from '@github-webhooks/fixtures';
import { FsObjectStore, type ObjectStore, S3ObjectStore } from '@github-webhooks/object-store';
import { type RunningS3rver, startS3rver } from '@github-webhooks/object-store/src/testing';
import { RecordingLogger, RecordingMetrics } from '@github-webhooks/runtime/testing';
import {
  CHECKPOINT_KEY,
  parseHook,
  RECONCILER_LEASE_KEY,
  type ReconcileReport,
  reconcile,
  reconcileExclusively,
  type SkippedRun,
} from '../src';
import { attempt, RecordedLog } from './support/recorded-log';

const HOOK = 'orgs/acme/hooks/1';
const now = new Date('2026-12-01T12:00:00Z');

let s3rver: RunningS3rver;
let proxy: ConditionalWriteProxy;
const roots: string[] = [];
let prefixes = 0;

beforeAll(async () => {
  s3rver = await startS3rver();
  // s3rver overwrites whatever the condition: the proxy answers If-None-Match / If-Match as S3 does.
  proxy = await ConditionalWriteProxy.start(s3rver.endpoint);
});
afterAll(async () => {
  await proxy.stop();
  await s3rver.stop();
  await Promise.all(roots.map((r) => rm(r, { recursive: true, force: true })));
});

const stores: [string, () => Promise<ObjectStore>][] = [
  [
    'S3ObjectStore (s3rver behind the conditional-write proxy)',
    async () =>
      new S3ObjectStore({
        client: s3rver.client(proxy.endpoint),
        bucket: s3rver.bucket,
        prefix: `reconciler-${++prefixes}`,
      }),
  ],
  [
    'FsObjectStore',
    async () => {
      const root = await mkdtemp(join(tmpdir(), 'reconciler-lease-'));
      roots.push(root);
      return new FsObjectStore(root);
    },
  ],
];

const isSkipped = (outcome: unknown): outcome is SkippedRun => (outcome as SkippedRun).skipped === true;

describe.each(stores)("the reconciler's lease on %s", (_name, make) => {
  it('lets one of two runs started together reconcile; the other is skipped and says who holds it', async () => {
    const store = await make();
    const log = new RecordedLog({ [HOOK]: [attempt('failed', 30, 503, now), attempt('ok', 20, 202, now)] });
    const logger = new RecordingLogger();
    const run = (holder: string) =>
      reconcileExclusively({ store, holder, logger }, async (checkpoint) => {
        // Long enough that the other run starts while this one holds the lease.
        await new Promise((resolve) => setTimeout(resolve, 200));
        return reconcile(
          {
            hooks: [parseHook(HOOK)],
            since: new Date(now.getTime() - 71 * 3_600_000),
            retentionMs: 72 * 3_600_000,
          },
          { log, checkpoint, logger, metrics: new RecordingMetrics(), clock: () => now },
        );
      });
    const outcomes: (ReconcileReport | SkippedRun)[] = await Promise.all([run('run A'), run('run B')]);
    const skipped = outcomes.filter(isSkipped);
    const ran = outcomes.filter((o): o is ReconcileReport => !isSkipped(o));
    expect([skipped.length, ran.length]).toEqual([1, 1]);
    expect(ran[0]).toMatchObject({ redelivered: 1, delivered: 1 });
    // Only one run asked GitHub for the redelivery.
    expect(log.redelivered).toHaveLength(1);
    const holder = ran[0] === outcomes[0] ? 'run A' : 'run B';
    expect(skipped[0]?.locked_by).toContain(
      `${RECONCILER_LEASE_KEY} is held by ${holder} (pid ${process.pid}`,
    );
    expect(logger.find('reconciliation skipped: another reconciler holds the lease')).toMatchObject({
      level: 'warn',
      fields: { lease: RECONCILER_LEASE_KEY, holder, holder_pid: process.pid },
    });
    // The winner's checkpoint is written, and the lease released when it is done.
    expect(JSON.parse((await store.readAll(CHECKPOINT_KEY)).toString())).toMatchObject({ version: 1 });
    expect(await store.head(RECONCILER_LEASE_KEY)).toBeUndefined();
    // Free again: the next run reconciles.
    const next = await run('run C');
    expect(isSkipped(next)).toBe(false);
  });

  it('skips while another holds it (a run still going), and takes it over once it expired', async () => {
    const store = await make();
    const other = {
      holder: 'delivery-reconciler Lambda',
      host: '169.254.1.1',
      pid: 8,
      acquired_at: new Date(Date.now() - 10_000).toISOString(),
      expires_at: new Date(Date.now() + 50_000).toISOString(),
    };
    await store.write(RECONCILER_LEASE_KEY, Buffer.from(JSON.stringify(other)));
    const logger = new RecordingLogger();
    let worked = 0;
    const work = async () => {
      worked += 1;
      return 'reconciled';
    };
    const skipped = await reconcileExclusively({ store, holder: 'me', logger }, work);
    expect(skipped).toEqual({
      skipped: true,
      locked_by: expect.stringContaining('held by delivery-reconciler Lambda (pid 8 on 169.254.1.1)'),
    });
    expect(worked).toBe(0);
    // Its holder crashed: the lease lapses, and the next run takes it over, saying from whom.
    await store.write(
      RECONCILER_LEASE_KEY,
      Buffer.from(JSON.stringify({ ...other, expires_at: new Date(Date.now() - 1_000).toISOString() })),
    );
    await expect(reconcileExclusively({ store, holder: 'me', logger }, work)).resolves.toBe('reconciled');
    expect(logger.find('took over the reconciler lease of a holder that expired or died')).toMatchObject({
      fields: { lease: RECONCILER_LEASE_KEY, previous_holder: 'delivery-reconciler Lambda' },
    });
  });

  it('writes no checkpoint once its lease is lost: the run that took it over keeps its own', async () => {
    const store = await make();
    const logger = new RecordingLogger();
    const outcome = reconcileExclusively(
      { store, holder: 'slow', logger, ttlMs: 300 },
      async (checkpoint) => {
        // Another run takes the lease over meanwhile (as after an expiry the renewal missed).
        await store.write(
          RECONCILER_LEASE_KEY,
          Buffer.from(JSON.stringify({ holder: 'fast', host: 'h', pid: 1, acquired_at: '', expires_at: '' })),
        );
        // Its next renewal (every 100 ms) finds it: waited for, as CI's load varies.
        await waitFor(
          'the renewal to find the lease taken',
          () => logger.find('reconciler lease lost; the run keeps its checkpoint unwritten') !== undefined,
          5_000,
        );
        await checkpoint.write('{"version":1,"hooks":{}}');
        return 'written';
      },
    );
    await expect(outcome).rejects.toMatchObject({ name: 'LeaseLostError' });
    expect(await store.head(CHECKPOINT_KEY)).toBeUndefined();
    expect(logger.find('reconciler lease lost; the run keeps its checkpoint unwritten')?.level).toBe('error');
  });
});
