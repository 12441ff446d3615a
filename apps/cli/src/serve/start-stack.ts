import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { AWS_LIMITS, createIngest, createRequestHandler } from '@github-webhooks/ingestion';
import { FsObjectStore } from '@github-webhooks/object-store';
import { AmqpPublisher, exchangeNames } from '@github-webhooks/pulse';
import { republishBatch } from '@github-webhooks/pulse-republisher';
import { CounterMetrics, describeError, type JsonLogger, type MetricName } from '@github-webhooks/runtime';
import { DiskArchive } from '../local/disk-archive';
import { GroupCommitFile } from '../local/group-commit-file';
import { LocalTopics } from '../local/local-topics';
import { Outbox } from '../local/outbox';
import { OutboxRelay } from '../local/outbox-relay';
import { BrokerState } from './broker-state';
import { CompactionTimer } from './compaction-timer';
import { healthReport } from './health';
import { createWebhookServer, type HealthReport } from './http-server';
import type { ServeConfig } from './serve-config';

export interface RunningStack {
  readonly port: number;
  readonly url: string;
  health(): HealthReport;
  /** Stops taking requests, finishes those in flight, flushes everything to disk, disconnects. */
  close(): Promise<void>;
}

/**
 * The local composition root: the ingestion handler, the republisher and the compactor, wired to
 * a directory (the archive, in the S3 key layout), in-process topics, a durable outbox and RabbitMQ.
 */
export interface StackTuning {
  /** Longest wait between tries while the broker is away. Default 30 s. */
  readonly maxRetryMs?: number;
}

export async function startStack(
  config: ServeConfig,
  logger: JsonLogger,
  tuning: StackTuning = {},
): Promise<RunningStack> {
  await mkdir(config.archiveDir, { recursive: true });
  const store = new FsObjectStore(config.archiveDir);
  const archive = new DiskArchive(config.archiveDir);
  const outbox = await Outbox.open(join(config.archiveDir, 'outbox'));
  const deadLetter = await GroupCommitFile.open(join(config.archiveDir, 'outbox', 'dead-letter.ndjson'));
  const metrics = new CounterMetrics<MetricName>();
  const broker = new BrokerState(logger);
  const publisher = new AmqpPublisher({
    url: config.amqpUrl,
    exchanges: exchangeNames(config.exchanges),
    connectionName: 'github-webhooks serve',
    observer: broker.observer,
  });
  const relay = new OutboxRelay({
    outbox,
    republish: (messages) =>
      republishBatch(
        messages,
        { policy: config.policy, exchanges: config.exchanges },
        { publisher, payloads: store, logger, metrics },
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
    disposable: (key) => !archive.isOpen(key),
  });
  const handle = createRequestHandler(
    createIngest({
      archive,
      topics: new LocalTopics(outbox),
      payloads: store,
      secrets: async () => config.secrets,
      // Only `--insecure-no-signature` runs without secrets.
      requireSignature: config.secrets.length > 0,
      policy: config.policy,
      logger,
      metrics,
      clock: { now: () => new Date() },
      // The same limits as in AWS, so a delivery takes the same path (by reference or not) in both.
      limits: AWS_LIMITS,
      deadlineMs: 8_000,
    }),
  );
  const health = (): HealthReport =>
    healthReport({
      archiveDir: config.archiveDir,
      broker: broker.current,
      relay: relay.state,
      compactor: compactor.state,
      counts: metrics.counts,
      unhealthyAfterMs: config.unhealthyAfterMs,
      now: Date.now(),
    });
  const server = createWebhookServer({
    handle,
    health,
    ...config.limits,
    onError: (error) => logger.error('request failed', { error: describeError(error) }),
  });
  const port = await listen(server, config.port, config.host);
  relay.start();
  compactor.start();
  logger.info('github-webhooks serving', {
    url: `http://${config.host}:${port}/webhook`,
    archive: config.archiveDir,
    exchanges: config.exchanges,
    verify_signatures: config.secrets.length > 0,
  });
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    health,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await compactor.stop();
      await relay.stop();
      await publisher.close();
      await archive.close();
      await outbox.close();
      await deadLetter.close();
      logger.info('stopped', { pending_in_outbox: outbox.pending });
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}
