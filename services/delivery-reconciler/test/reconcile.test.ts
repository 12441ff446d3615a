import { RecordingLogger, RecordingMetrics } from '@github-webhooks/runtime/testing';
import { type ArchiveIndex, type Attempt, parseHook, type ReconcileOptions, reconcile } from '../src';
import { attempt, MemoryCheckpoint, RecordedLog } from './support/recorded-log';

const HOOK = 'orgs/acme/hooks/1';
const now = new Date('2026-12-01T12:00:00Z');
const options: ReconcileOptions = {
  hooks: [parseHook(HOOK)],
  since: new Date(now.getTime() - 71 * 3_600_000),
  retentionMs: 72 * 3_600_000,
};

function world(attempts: Attempt[], pageSize = 3, clock = () => now) {
  const log = new RecordedLog({ [HOOK]: attempts }, pageSize);
  const checkpoint = new MemoryCheckpoint();
  const metrics = new RecordingMetrics();
  const ports = { log, checkpoint, logger: new RecordingLogger(), metrics, clock };
  return { log, checkpoint, metrics, ports };
}

describe('reconcile', () => {
  it('redelivers the failed GUIDs of a recorded log, leaves the delivered ones, and counts', async () => {
    const failed = attempt('failed', 50, 503, now);
    const { log, ports, metrics } = world([
      attempt('ok-1', 60, 202, now),
      failed,
      attempt('ok-2', 40, 200, now),
      attempt('ok-3', 30, 202, now),
      attempt('ok-4', 20, 202, now),
    ]);
    const report = await reconcile(options, ports);
    expect(log.redelivered).toEqual([failed.id]);
    expect(report).toMatchObject({
      hooks: 1,
      attempts: 5,
      deliveries: 5,
      delivered: 4,
      redelivered: 1,
      waiting: 0,
      gave_up: 0,
      expiring: 0,
      complete: true,
      api_calls: 3,
      items: [
        { guid: 'failed', hook: HOOK, event: 'push', outcome: 'redelivered', attempts: 1, reason: 'failed' },
      ],
    });
    expect(log.pages).toEqual([`${HOOK}@top`, `${HOOK}@3`]);
    expect(metrics.get('Redelivered')).toBe(1);
  });

  it('reads a GUID whose attempts span pages as one, and knows it was delivered', async () => {
    // Newest first: the redelivery that succeeded is on page 1, the failed original on page 2.
    const { log, ports } = world(
      [
        attempt('spans', 100, 503, now),
        attempt('x', 90, 202, now),
        attempt('y', 80, 202, now),
        attempt('spans', 10, 202, now, true),
      ],
      2,
    );
    const report = await reconcile(options, ports);
    expect(log.pages).toHaveLength(2);
    expect(report).toMatchObject({ deliveries: 3, delivered: 3, redelivered: 0, items: [] });
  });

  it('waits for a redelivery in flight, and gives up at the cap', async () => {
    const { log, ports } = world([
      attempt('in-flight', 30, 503, now),
      attempt('in-flight', 2, 503, now, true),
      attempt('wrong-secret', 600, 401, now),
      ...[1, 2, 3, 4, 5].map((i) => attempt('wrong-secret', 600 - i * 90, 401, now, true)),
    ]);
    const report = await reconcile(options, ports);
    expect(log.redelivered).toEqual([]);
    // Items come newest GUID first, as the log lists them.
    expect(report.items.map((i) => [i.guid, i.outcome])).toEqual([
      ['wrong-secret', 'gave_up'],
      ['in-flight', 'waiting'],
    ]);
    expect(report).toMatchObject({ waiting: 1, gave_up: 1 });
  });

  it('never acts on a GUID whose original attempt is outside what it read (its history is unknown)', async () => {
    const old = new Date(options.since.getTime() - 60_000);
    const { log, ports } = world([
      { ...attempt('older', 0, 200, old) },
      attempt('older', 30, 503, now, true),
    ]);
    const report = await reconcile(options, ports);
    expect(log.redelivered).toEqual([]);
    expect(report).toMatchObject({ deliveries: 0, redelivered: 0 });
  });

  it('reports GUIDs about to leave the log undelivered as expiring', async () => {
    const { ports } = world([attempt('late', 67 * 60, 503, now), attempt('late', 66 * 60, 503, now, true)]);
    const report = await reconcile({ ...options, maxRedeliveries: 1 }, ports);
    expect(report).toMatchObject({
      expiring: 1,
      gave_up: 1,
      items: [{ guid: 'late', outcome: 'gave_up', expiring: true }],
    });
  });

  it('scans only what is newer on the next run, keeping the undelivered GUIDs it saw', async () => {
    const failed = attempt('failed', 50, 503, now);
    const w = world(
      [attempt('a', 60, 202, now), failed, attempt('b', 40, 202, now), attempt('c', 30, 202, now)],
      2,
    );
    await reconcile(options, w.ports);
    expect(w.log.redelivered).toEqual([failed.id]);
    // Its redelivery failed again; 10 minutes later a new delivery arrived.
    const later = new Date(now.getTime() + 10 * 60_000);
    const retry = attempt('failed', -1, 503, now, true);
    w.log.add(HOOK, retry);
    w.log.add(HOOK, attempt('d', -5, 202, now));
    w.log.pages.length = 0;
    const second = await reconcile(options, { ...w.ports, clock: () => later });
    // Down to the first attempt not newer than the last run's newest: 2 of the log's 3 pages.
    expect(w.log.pages).toEqual([`${HOOK}@top`, `${HOOK}@2`]);
    // Its first redelivery failed 1 min after now, 9 min before later (> 5 min): asked again, the latest attempt.
    expect(w.log.redelivered).toEqual([failed.id, retry.id]);
    expect(second).toMatchObject({ attempts: 3, deliveries: 3, delivered: 2, redelivered: 1 });
  });

  it('does not ask twice while its redelivery has not shown in the log yet', async () => {
    const w = world([attempt('failed', 50, 503, now)]);
    await reconcile(options, w.ports);
    const second = await reconcile(options, { ...w.ports, clock: () => new Date(now.getTime() + 60_000) });
    expect(w.log.redelivered).toHaveLength(1);
    expect(second).toMatchObject({ redelivered: 0, waiting: 1 });
  });

  it("stops cleanly when GitHub's budget falls to its reserve, saying it is not complete", async () => {
    const w = world(
      Array.from({ length: 12 }, (_, i) => attempt(`g${i}`, 100 - i, 202, now)),
      3,
    );
    w.log.remaining = 53;
    const report = await reconcile({ ...options, reserve: 50 }, w.ports);
    expect(report.complete).toBe(false);
    expect(w.log.pages).toHaveLength(3);
    expect(w.metrics.get('RunIncomplete')).toBe(1);
  });

  it('redelivers a GUID GitHub delivered that the archive does not hold, after the grace', async () => {
    const kept = attempt('kept', 60, 202, now);
    const lost = attempt('lost', 50, 202, now);
    const fresh = attempt('fresh', 5, 202, now);
    const w = world([kept, lost, fresh]);
    const index: ArchiveIndex = { holds: (guid) => guid === 'kept' };
    const report = await reconcile(options, { ...w.ports, archive: async () => index });
    expect(w.log.redelivered).toEqual([lost.id]);
    expect(report.items).toEqual([expect.objectContaining({ guid: 'lost', reason: 'missing_from_archive' })]);
  });

  it('changes nothing in a dry run: no redelivery, no checkpoint', async () => {
    const w = world([attempt('failed', 50, 503, now)]);
    const report = await reconcile({ ...options, dryRun: true }, w.ports);
    expect(report).toMatchObject({ redelivered: 1, dry_run: true });
    expect(w.log.redelivered).toEqual([]);
    expect(w.checkpoint.writes).toBe(0);
  });
});
