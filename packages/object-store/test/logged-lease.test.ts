import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@github-webhooks/fixtures';
import { FsObjectStore, isLeaseHeld, leaseHeldFields, withLoggedLease } from '../src';

/** The generic part of a job's one-at-a-time lease (the compactor's, the reconciler's). */
describe('withLoggedLease', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'logged-lease-'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  const recording = () => {
    const lines: [string, string, Record<string, unknown> | undefined][] = [];
    return {
      lines,
      logger: {
        warn: (m: string, f?: Record<string, unknown>) => lines.push(['warn', m, f]),
        error: (m: string, f?: Record<string, unknown>) => lines.push(['error', m, f]),
      },
    };
  };
  const options = (
    store: FsObjectStore,
    holder: string,
    logger?: ReturnType<typeof recording>['logger'],
  ) => ({
    store,
    key: 'locks/job.json',
    holder,
    ttlMs: 60_000,
    name: 'job',
    whenLost: 'it stops',
    ...(logger === undefined ? {} : { logger }),
  });

  it('runs one of two started together; the other is told who holds it, in the fields a log record takes', async () => {
    const store = new FsObjectStore(root);
    const slow = () => new Promise((resolve) => setTimeout(() => resolve('done'), 100));
    const results = await Promise.allSettled([
      withLoggedLease(options(store, 'first'), slow),
      withLoggedLease(options(store, 'second'), slow),
    ]);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(isLeaseHeld(refused?.reason)).toBe(true);
    const fields = leaseHeldFields(refused?.reason);
    expect(fields).toMatchObject({ lease: 'locks/job.json', holder_pid: process.pid });
    expect(['first', 'second']).toContain(fields.holder);
    expect(await store.head('locks/job.json')).toBeUndefined();
  });

  it('says whose expired lease it took over, and that a lost one stops the work', async () => {
    const store = new FsObjectStore(root);
    const { lines, logger } = recording();
    const expired = {
      holder: 'crashed',
      host: 'h',
      pid: 7,
      acquired_at: '',
      expires_at: '2000-01-01T00:00:00Z',
    };
    await store.write('locks/job.json', Buffer.from(JSON.stringify(expired)));
    await withLoggedLease(options(store, 'me', logger), async () => 'ok');
    expect(lines).toEqual([
      [
        'warn',
        'took over the job lease of a holder that expired or died',
        expect.objectContaining({ lease: 'locks/job.json', previous_holder: 'crashed', previous_pid: 7 }),
      ],
    ]);
    const lost = withLoggedLease({ ...options(store, 'me', logger), ttlMs: 90 }, async (signal) => {
      await store.write('locks/job.json', Buffer.from(JSON.stringify({ ...expired, holder: 'other' })));
      await waitFor('the renewal to find the lease taken', () => signal.aborted, 5_000);
      return signal.aborted;
    });
    await expect(lost).resolves.toBe(true);
    expect(lines.at(-1)).toEqual([
      'error',
      'job lease lost; it stops',
      { lease: 'locks/job.json', error: { name: 'LeaseLostError', message: expect.any(String) } },
    ]);
  });
});
