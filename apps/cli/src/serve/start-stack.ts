import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  createIngest,
  createRequestHandler,
  SERVER_DIGEST_LIMITS,
  type SizeLimits,
} from '@github-webhooks/ingestion';
import { FsObjectStore } from '@github-webhooks/object-store';
import { AmqpPublisher, brokerObserver, combineObservers, exchangeNames } from '@github-webhooks/pulse';
import { republishBatch } from '@github-webhooks/pulse-republisher';
import { CounterMetrics, describeError, type JsonLogger, type MetricName } from '@github-webhooks/runtime';
import { ArchiveHoursCounter } from '../dashboard/archive-hours';
import { createDashboardServer } from '../dashboard/dashboard-server';
import { DriftLog } from '../dashboard/drift-log';
import { recording } from '../dashboard/recording';
import { RequestLog } from '../dashboard/request-log';
import { UsageError } from '../errors';
import { DiskArchive } from '../local/disk-archive';
import { GroupCommitFile } from '../local/group-commit-file';
import { LocalTopics } from '../local/local-topics';
import { ArchiveRelay } from '../relay/archive-relay';
import { SqlitePublishLedger } from '../relay/publish-ledger';
import { BrokerState } from './broker-state';
import { CompactionTimer } from './compaction-timer';
import { healthReport } from './health';
import { createWebhookServer, type HealthReport } from './http-server';
import { ReconcileTimer } from './reconcile-timer';
import type { ServeConfig } from './serve-config';

export interface RunningStack {
  readonly port: number;
  readonly url: string;
  /** The web page's address, when it is on. */
  readonly dashboardUrl: string | undefined;
  health(): HealthReport;
  /** Stops taking requests, finishes those in flight, flushes everything to disk, disconnects. */
  close(): Promise<void>;
}

/**
 * No Firehose record or SNS message limit here: every payload is kept inline in its record, so the
 * relay publishes the text the record holds and nothing is stored twice.
 */
const LOCAL_LIMITS: SizeLimits = {
  archiveRecordBytes: Number.POSITIVE_INFINITY,
  topicMessageBytes: Number.POSITIVE_INFINITY,
};

export interface StackTuning {
  /** Longest wait between tries while the broker is away. Default 30 s. */
  readonly maxRetryMs?: number;
  /** Called between the broker's confirm and the ledger's write (a fault-injection test kills there). */
  readonly beforeRemember?: (key: string) => void;
}

/**
 * The local composition root: the ingestion handler, the republisher and the compactor, wired to
 * a directory (the archive, in the S3 key layout, its raw files the one durable log), in-process
 * topics, a relay tailing the archive, and RabbitMQ.
 */
export async function startStack(
  config: ServeConfig,
  logger: JsonLogger,
  tuning: StackTuning = {},
): Promise<RunningStack> {
  await mkdir(join(config.archiveDir, 'relay'), { recursive: true });
  const store = new FsObjectStore(config.archiveDir);
  const archive = new DiskArchive(config.archiveDir);
  const deadLetter = await GroupCommitFile.open(join(config.archiveDir, 'relay', 'dead-letter.ndjson'));
  const metrics = new CounterMetrics<MetricName>();
  const broker = new BrokerState();
  const publisher = new AmqpPublisher({
    url: config.amqpUrl,
    exchanges: exchangeNames(config.exchanges),
    connectionName: 'github-webhooks serve',
    observer: combineObservers(brokerObserver(logger), broker.observer),
  });
  // One message per delivery on Pulse: the ledger beside the relay's cursor (0: at least once).
  const ledger =
    config.dedupWindowMs > 0
      ? SqlitePublishLedger.open(join(config.archiveDir, 'relay', 'ledger.sqlite'), {
          windowMs: config.dedupWindowMs,
          ...(tuning.beforeRemember === undefined ? {} : { beforeRemember: tuning.beforeRemember }),
        })
      : undefined;
  const relay = await ArchiveRelay.open({
    root: config.archiveDir,
    archive,
    republish: (messages) =>
      republishBatch(
        messages,
        { policy: config.policy, exchanges: config.exchanges, recheck: 'recorded' },
        { publisher, payloads: store, logger, metrics, ...(ledger === undefined ? {} : { ledger }) },
      ),
    deadLetter: (line) => deadLetter.append(line),
    logger: logger.child({ component: 'relay' }),
    maxAttempts: config.relayMaxAttempts,
    ...(tuning.maxRetryMs === undefined
      ? {}
      : { minRetryMs: Math.min(500, tuning.maxRetryMs), maxRetryMs: tuning.maxRetryMs }),
  });
  const compactor = new CompactionTimer({
    store,
    intervalMs: config.compactIntervalMs,
    latenessMs: config.latenessMs,
    logger,
    sealHoursBefore: (hour) => archive.sealHoursBefore(hour),
    // Not a file still appended to, nor one the relay has not read to its end.
    disposable: (key) => !archive.isOpen(key) && relay.hasPassed(key),
  });
  const reconciler = new ReconcileTimer(config.reconcile, config.reconcileIntervalMs, logger);
  const drifts = new DriftLog();
  // The web page's taps, only when it is on: the sink sees each record, the handler each answer.
  const requests = config.dashboard === undefined ? undefined : new RequestLog();
  const tap = requests === undefined ? undefined : recording(requests);
  const inner = createRequestHandler(
    createIngest({
      archive: tap === undefined ? archive : tap.sink(archive),
      topics: new LocalTopics(() => relay.noteAccepted()),
      payloads: store,
      secrets: async () => config.secrets,
      // Only `--insecure-no-signature` runs without secrets.
      requireSignature: config.secrets.length > 0,
      policy: config.policy,
      logger,
      metrics,
      clock: { now: () => new Date() },
      limits: LOCAL_LIMITS,
      deadlineMs: 8_000,
      // Many requests at once on a machine's cores: a large body's hashing leaves the event loop.
      offThreadDigests: SERVER_DIGEST_LIMITS,
      drift: drifts,
    }),
  );
  const handle = tap === undefined ? inner : tap.handler(inner);
  const health = (): HealthReport =>
    healthReport({
      archiveDir: config.archiveDir,
      broker: broker.current,
      relay: relay.state,
      compactor: compactor.state,
      reconciler: reconciler.state,
      counts: metrics.counts,
      unhealthyAfterMs: config.unhealthyAfterMs,
      now: Date.now(),
    });
  const server = createWebhookServer({
    handle,
    health,
    ...config.limits,
    onError: (error) => logger.error('request failed', { error: describeError(error) }),
    logger,
    metrics,
  });
  const port = await listen(server, config.port, config.host);
  const dashboard =
    config.dashboard === undefined || requests === undefined
      ? undefined
      : createDashboardServer(config.dashboard, {
          log: requests,
          drifts,
          hours: new ArchiveHoursCounter(store),
          health: () => health() as unknown as Record<string, unknown>,
        });
  const dashboardPort =
    dashboard === undefined || config.dashboard === undefined
      ? undefined
      : await listen(dashboard, config.dashboard.port, config.dashboard.host).catch(
          async (error: unknown) => {
            await new Promise<void>((resolve) => server.close(() => resolve()));
            throw new UsageError(
              `the dashboard cannot listen on ${config.dashboard?.host}:${config.dashboard?.port} (${(error as Error).message}); set DASHBOARD_PORT (off disables it)`,
            );
          },
        );
  const dashboardUrl =
    dashboardPort === undefined
      ? undefined
      : `http://${config.dashboard?.host === '::1' ? '[::1]' : config.dashboard?.host}:${dashboardPort}/`;
  relay.start();
  compactor.start();
  reconciler.start();
  logger.info('github-webhooks serving', {
    url: `http://${config.host}:${port}/webhook`,
    archive: config.archiveDir,
    exchanges: config.exchanges,
    verify_signatures: config.secrets.length > 0,
    dashboard: dashboardUrl ?? 'off',
  });
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    dashboardUrl,
    health,
    close: async () => {
      if (dashboard !== undefined) {
        dashboard.closeAllConnections();
        await new Promise<void>((resolve) => dashboard.close(() => resolve()));
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await compactor.stop();
      await reconciler.stop();
      await relay.stop();
      await publisher.close();
      await archive.close();
      await deadLetter.close();
      ledger?.close();
      logger.info('stopped', {
        relay_pending: relay.state.pending,
        relay_backlog_bytes: relay.state.backlogBytes,
      });
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}
