import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArchiveRelay, DiskArchive, SqlitePublishLedger } from '@github-webhooks/cli';
import {
  createPrivacyPolicy,
  formatRecordLine,
  pulseMessageBody,
  repositoryFullName,
  type WebhookPayload,
} from '@github-webhooks/events';
import { FsObjectStore } from '@github-webhooks/object-store';
import { AmqpPublisher } from '@github-webhooks/pulse';
import { republishBatch } from '@github-webhooks/pulse-republisher';
import { noMetrics, silentLogger } from '@github-webhooks/runtime';
import { connect } from 'amqplib';
import { republishPayloads } from './payloads';
import { type Summary, summarize } from './stats';

const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const WINDOW = 32;
const silent = silentLogger;

export interface RepublishRow {
  readonly payload: string;
  readonly messages: number;
  /** serve's relay as it runs: with its publish ledger (one message per delivery). */
  readonly relay: Summary;
  /** The same without the ledger: what the ledger costs. */
  readonly relayNoLedger: Summary;
  readonly bare: Summary;
  readonly ratio: number;
}

/**
 * Messages per second the relay of `serve` moves from the archive's raw files to RabbitMQ with
 * confirms: the records are written first (by the disk archive, as ingestion does), then the relay
 * starts from an empty cursor and is timed until the broker confirmed the last one.
 */
async function relayRate(exchange: string, lines: readonly string[], withLedger: boolean): Promise<number> {
  const count = lines.length;
  const dir = await mkdtemp(join(tmpdir(), 'gw-bench-relay-'));
  const archive = new DiskArchive(dir);
  await Promise.all(lines.map((line) => archive.append(line)));
  const ledger = withLedger
    ? SqlitePublishLedger.open(join(dir, 'ledger.sqlite'), { windowMs: 259_200_000 })
    : undefined;
  await archive.close();
  const publisher = new AmqpPublisher({ url: AMQP_URL, exchanges: [exchange], window: WINDOW });
  const settings = {
    policy: createPrivacyPolicy(),
    exchanges: { original: [exchange], dotted: undefined },
    recheck: 'recorded' as const,
  };
  await publisher.publish({
    exchange,
    routingKey: 'warm/up/push',
    body: Buffer.from('{}'),
    messageId: 'w',
    timestamp: new Date(),
  });
  const started = process.hrtime.bigint();
  const relay = await ArchiveRelay.open({
    root: dir,
    archive,
    republish: (messages) =>
      republishBatch(messages, settings, {
        publisher,
        payloads: new FsObjectStore(dir),
        logger: silent,
        metrics: noMetrics,
        ...(ledger === undefined ? {} : { ledger }),
      }),
    deadLetter: () => Promise.reject(new Error('nothing should be dead-lettered')),
    logger: silent,
  });
  relay.start();
  // Polled every millisecond: a tighter loop would take the CPU the relay is measured on.
  while (relay.state.published < count && relay.state.lastError === undefined)
    await new Promise((resolve) => setTimeout(resolve, 1));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await relay.stop();
  if (relay.state.published !== count)
    throw new Error(`relay published ${relay.state.published} of ${count}: ${relay.state.lastError}`);
  await publisher.close();
  ledger?.close();
  await rm(dir, { recursive: true, force: true });
  return count / seconds;
}

/** The baseline: a bare amqplib confirm channel publishing the same bodies with the same window. */
async function bareRate(exchange: string, body: Buffer, count: number): Promise<number> {
  const connection = await connect(AMQP_URL, { noDelay: true });
  const channel = await connection.createConfirmChannel();
  const started = process.hrtime.bigint();
  let inFlight = 0;
  let sent = 0;
  await new Promise<void>((resolve, reject) => {
    let confirmed = 0;
    const pump = () => {
      while (inFlight < WINDOW && sent < count) {
        inFlight++;
        sent++;
        channel.publish(
          exchange,
          'o/r/push',
          body,
          { persistent: true, contentType: 'application/json', messageId: String(sent) },
          (error) => {
            if (error) return reject(error);
            inFlight--;
            if (++confirmed === count) resolve();
            else pump();
          },
        );
      }
    };
    pump();
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await connection.close();
  return count / seconds;
}

/**
 * Both sides publish into the same durable exchange with one durable queue bound (kept short), so
 * the broker does the work Pulse does. `serve` keeps every payload inline in its record, 1 MiB ones
 * included, so the relay publishes the text the record holds.
 */
export async function benchRepublish(options: { rounds: number; scale: number }): Promise<RepublishRow[]> {
  const exchange = `bench/republish-${process.pid}`;
  const queue = `bench-republish-${process.pid}`;
  const connection = await connect(AMQP_URL, { noDelay: true });
  const channel = await connection.createChannel();
  await channel.assertExchange(exchange, 'topic', { durable: true });
  await channel.assertQueue(queue, { durable: true, arguments: { 'x-max-length': 2000 } });
  await channel.bindQueue(queue, exchange, '#');
  const rows: RepublishRow[] = [];
  try {
    for (const payload of republishPayloads()) {
      const count = Math.max(10, Math.round((payload.body.length > 200_000 ? 300 : 6000) * options.scale));
      const deliveryId = '00000000-0000-0000-0000-000000000000';
      const payloadText = payload.body.toString();
      const parsed = JSON.parse(payloadText) as WebhookPayload;
      // Distinct deliveries (the ledger would rightly publish one GUID once).
      const lines = Array.from({ length: count }, (_, i) =>
        formatRecordLine(
          {
            deliveryId: `${deliveryId.slice(0, -8)}${String(i).padStart(8, '0')}`,
            event: payload.event,
            receivedAt: new Date(),
            public: true,
            privacy: 'allowlisted',
            repository: repositoryFullName(parsed),
          },
          { payloadText },
        ),
      );
      const body = pulseMessageBody({ event: payload.event, deliveryId, payloadText });
      const relay: number[] = [];
      const relayNoLedger: number[] = [];
      const bare: number[] = [];
      for (let r = 0; r < options.rounds; r++) {
        // Each run starts with an empty queue, so neither inherits the other's backlog in the broker.
        const runs = [
          async () =>
            relay.push(await channel.purgeQueue(queue).then(() => relayRate(exchange, lines, true))),
          async () =>
            relayNoLedger.push(await channel.purgeQueue(queue).then(() => relayRate(exchange, lines, false))),
          async () => bare.push(await channel.purgeQueue(queue).then(() => bareRate(exchange, body, count))),
        ];
        for (const run of r % 2 === 0 ? runs : runs.reverse()) await run();
      }
      const row = {
        payload: payload.name,
        messages: count,
        relay: summarize(relay),
        relayNoLedger: summarize(relayNoLedger),
        bare: summarize(bare),
      };
      rows.push({ ...row, ratio: row.relay.median / row.bare.median });
      process.stderr.write(
        `republish ${payload.name}: relay ${row.relay.median.toFixed(0)}/s (no ledger ${row.relayNoLedger.median.toFixed(0)}/s), bare ${row.bare.median.toFixed(0)}/s\n`,
      );
    }
  } finally {
    await channel.deleteQueue(queue);
    await channel.deleteExchange(exchange);
    await connection.close();
  }
  return rows;
}
