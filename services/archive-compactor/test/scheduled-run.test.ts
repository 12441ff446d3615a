import { ConfigError, type LogFields, noMetrics } from '@github-webhooks/runtime';
import { COMPACTOR_LEASE_KEY, type CompactorMetric, createScheduledRun, readConfig } from '../src';
import { at, fsStores, gz, H10, HOUR, keys, line, rawKey, rec } from './support/archive';

describe('readConfig', () => {
  it('reads the defaults', () => {
    expect(readConfig({ ARCHIVE_BUCKET: 'archive-bucket' })).toEqual({
      bucket: 'archive-bucket',
      disposal: 'delete',
      expiryTags: { 'archive-compactor': 'compacted' },
      latenessMs: 15 * 60_000,
      bufferMs: 900_000,
      safetyMarginMs: 240_000,
    });
  });

  it('reads every setting', () => {
    expect(
      readConfig({
        ARCHIVE_BUCKET: 'b.example-1',
        RAW_DISPOSAL: 'tag',
        RAW_EXPIRY_TAG: 'lifecycle=expire',
        LATENESS_MINUTES: '30',
        FIREHOSE_BUFFER_SECONDS: '60',
        SAFETY_MARGIN_SECONDS: '120',
      }),
    ).toEqual({
      bucket: 'b.example-1',
      disposal: 'tag',
      expiryTags: { lifecycle: 'expire' },
      latenessMs: 30 * 60_000,
      bufferMs: 60_000,
      safetyMarginMs: 120_000,
    });
  });

  it.each([
    [{}, 'ARCHIVE_BUCKET'],
    [{ ARCHIVE_BUCKET: 'Not_A_Bucket' }, 'ARCHIVE_BUCKET'],
    [{ ARCHIVE_BUCKET: 'bucket', RAW_DISPOSAL: 'move' }, 'RAW_DISPOSAL'],
    [{ ARCHIVE_BUCKET: 'bucket', RAW_EXPIRY_TAG: 'novalue' }, 'RAW_EXPIRY_TAG'],
    [{ ARCHIVE_BUCKET: 'bucket', LATENESS_MINUTES: '-1' }, 'LATENESS_MINUTES'],
    [{ ARCHIVE_BUCKET: 'bucket', FIREHOSE_BUFFER_SECONDS: '901' }, 'FIREHOSE_BUFFER_SECONDS'],
    [{ ARCHIVE_BUCKET: 'bucket', SAFETY_MARGIN_SECONDS: 'soon' }, 'SAFETY_MARGIN_SECONDS'],
  ])('rejects %j naming %s', (env, variable) => {
    expect(() => readConfig(env)).toThrow(ConfigError);
    expect(() => readConfig(env)).toThrow(variable);
  });
});

describe('createScheduledRun', () => {
  const stores = fsStores();
  afterAll(() => stores.cleanup());

  it('compacts the closed hours, logs, counts and publishes the metrics', async () => {
    const store = await stores.make();
    await store.write(rawKey(H10, 'a'), gz(line(rec('a', at(H10, 5), 1)) + line(rec('a', at(H10, 6), 1))));
    const logs: [string, string, LogFields | undefined][] = [];
    const counts: [CompactorMetric, number][] = [];
    let published = 0;
    const log = (level: string) => (message: string, fields?: LogFields) =>
      logs.push([level, message, fields]);
    const run = createScheduledRun({
      store,
      config: { ...readConfig({ ARCHIVE_BUCKET: 'bucket' }), latenessMs: 0 },
      logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
      metrics: {
        count: (name, value = 1) => counts.push([name, value]),
        gauge: (name, seconds) => counts.push([name, seconds]),
      },
      publishMetrics: () => published++,
      clock: () => new Date(H10.getTime() + 3 * HOUR),
    });
    const summary = await run({}, { getRemainingTimeInMillis: () => 900_000 });
    expect(summary).toMatchObject({
      hours: ['2026-11-28T10:compacted'],
      hoursCompacted: 1,
      newRecords: 1,
      duplicatesDropped: 1,
      rawDeleted: 1,
      incomplete: false,
    });
    expect(await keys(store, 'raw/')).toEqual([]);
    expect(published).toBe(1);
    expect(counts).toEqual(
      expect.arrayContaining([
        ['HoursCompacted', 1],
        ['NewRecords', 1],
        ['DuplicatesDropped', 1],
        ['RawObjectsDeleted', 1],
        ['OldestRawAgeSeconds', 0],
      ]),
    );
    expect(logs.map(([level, message]) => `${level} ${message}`)).toEqual(
      expect.arrayContaining(['info hour compacted', 'info compaction run finished']),
    );
    expect(logs.find(([, m]) => m === 'hour compacted')?.[2]).toMatchObject({
      hour: '2026-11-28T10',
      records: 1,
    });
  });

  it('starts no hour once the safety margin before the timeout is reached', async () => {
    const store = await stores.make();
    await store.write(rawKey(H10, 'a'), gz(line(rec('a', at(H10, 5), 1))));
    const run = createScheduledRun({
      store,
      config: readConfig({ ARCHIVE_BUCKET: 'bucket', LATENESS_MINUTES: '0' }),
      logger: {
        debug: () => undefined,
        info: () => undefined,
        warn: () => undefined,
        error: () => undefined,
      },
      metrics: noMetrics,
      publishMetrics: () => undefined,
      clock: () => new Date(H10.getTime() + 3 * HOUR),
    });
    const summary = await run({}, { getRemainingTimeInMillis: () => 200_000 });
    expect(summary).toMatchObject({ hours: [], incomplete: true });
    expect(await keys(store, 'raw/')).toHaveLength(1);
  });

  it('logs a failed run, still publishes its metrics, and fails the invocation', async () => {
    const store = await stores.make();
    await store.write(rawKey(H10, 'a'), gz(line(rec('a', at(H10, 5), 1))));
    await store.write('manifests/2026/11/28/10.manifest.json', Buffer.from('not json'));
    const errors: string[] = [];
    let published = 0;
    const run = createScheduledRun({
      store,
      config: readConfig({ ARCHIVE_BUCKET: 'bucket', LATENESS_MINUTES: '0' }),
      logger: {
        debug: () => undefined,
        info: () => undefined,
        warn: () => undefined,
        error: (m) => errors.push(m),
      },
      metrics: noMetrics,
      publishMetrics: () => published++,
      clock: () => new Date(H10.getTime() + 3 * HOUR),
    });
    await expect(run({}, { getRemainingTimeInMillis: () => 900_000 })).rejects.toMatchObject({
      name: 'ManifestFormatError',
    });
    expect(errors).toEqual(['compaction run failed']);
    expect(published).toBe(1);
  });

  describe("the archive's compactor lease", () => {
    const quiet = (warnings: string[] = []) => ({
      debug: () => undefined,
      info: () => undefined,
      warn: (m: string) => warnings.push(m),
      error: () => undefined,
    });
    const runOn = (store: Awaited<ReturnType<typeof stores.make>>, warnings: string[] = []) =>
      createScheduledRun({
        store,
        config: readConfig({ ARCHIVE_BUCKET: 'bucket', LATENESS_MINUTES: '0' }),
        logger: quiet(warnings),
        metrics: noMetrics,
        publishMetrics: () => undefined,
        clock: () => new Date(H10.getTime() + 3 * HOUR),
      });

    it('does nothing while another compactor holds it, says who, and runs once it is free', async () => {
      const store = await stores.make();
      await store.write(rawKey(H10, 'a'), gz(line(rec('a', at(H10, 5), 1))));
      const holder = {
        holder: 'github-webhooks compact',
        host: 'laptop.example',
        pid: 123,
        acquired_at: new Date().toISOString(),
        expires_at: new Date(Date.now() + 60_000).toISOString(),
      };
      await store.write(COMPACTOR_LEASE_KEY, Buffer.from(JSON.stringify(holder)));
      const warnings: string[] = [];
      const skipped = await runOn(store, warnings)({}, { getRemainingTimeInMillis: () => 900_000 });
      expect(skipped).toMatchObject({ hours: [], hoursCompacted: 0, incomplete: true });
      expect(skipped.lockedBy).toContain('held by github-webhooks compact (pid 123 on laptop.example)');
      expect(warnings).toEqual(['compaction skipped: another compactor holds the archive']);
      expect(await keys(store, 'raw/')).toHaveLength(1);
      await store.delete([COMPACTOR_LEASE_KEY]);
      const ran = await runOn(store)({}, { getRemainingTimeInMillis: () => 900_000 });
      expect(ran).toMatchObject({ hoursCompacted: 1, rawDeleted: 1 });
      // Released when done.
      expect(await store.head(COMPACTOR_LEASE_KEY)).toBeUndefined();
    });

    it('lets one of two runs started together compact; the other is skipped', async () => {
      const store = await stores.make();
      await store.write(rawKey(H10, 'a'), gz(line(rec('a', at(H10, 5), 1))));
      const context = { getRemainingTimeInMillis: () => 900_000 };
      const [one, two] = await Promise.all([runOn(store)({}, context), runOn(store)({}, context)]);
      expect([one.lockedBy === undefined, two.lockedBy === undefined].sort()).toEqual([false, true]);
      expect(one.hoursCompacted + two.hoursCompacted).toBe(1);
      expect(await keys(store, 'raw/')).toEqual([]);
    });
  });
});
