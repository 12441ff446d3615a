import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { ArchiveRelay, DiskArchive, SqlitePublishLedger } from '@github-webhooks/cli';
import { createPrivacyPolicy, formatRecordLine, pulseMessageBody } from '@github-webhooks/events';
import { FsObjectStore } from '@github-webhooks/object-store';
import { AmqpPublisher } from '@github-webhooks/pulse';
import { republishBatch } from '@github-webhooks/pulse-republisher';
import { noMetrics, silentLogger } from '@github-webhooks/runtime';
import { connect } from 'amqplib';
import { LedgerRows, relayVerified } from './verifying-relay';

const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const WINDOW = 32;

/** One measured run, in a process of its own: what it publishes and with what. */
export interface RepublishRun {
  readonly kind: 'relay' | 'relay-no-ledger' | 'verifying' | 'bare';
  readonly exchange: string;
  readonly event: string;
  readonly repository: string;
  /** A file holding the payload's JSON text. */
  readonly payloadFile: string;
  readonly count: number;
}

/** What a run prints: messages per second, and this process's CPU (user + system) per message in µs. */
export interface Measured {
  readonly rate: number;
  readonly cpuMicros: number;
}

/** CPU microseconds per message since `since` (a `process.cpuUsage()`). */
const cpuPer = (since: NodeJS.CpuUsage, count: number): number => {
  const { user, system } = process.cpuUsage(since);
  return (user + system) / count;
};

const DELIVERY_ID = '00000000-0000-0000-0000-000000000000';

/**
 * `bench republish-child <run.json>`: one run in a fresh process, its rate printed last. The parent
 * holds every example payload (~100 MB of heap); measured there, every garbage collection of the
 * relay paid for marking them, which serve's relay never does.
 */
export async function republishChild(runFile: string): Promise<void> {
  const run = JSON.parse(readFileSync(runFile, 'utf8')) as RepublishRun;
  const payloadText = readFileSync(run.payloadFile, 'utf8');
  // Distinct deliveries (the ledger would rightly publish one GUID once).
  const line = (i: number) =>
    formatRecordLine(
      {
        deliveryId: `${DELIVERY_ID.slice(0, -8)}${String(i).padStart(8, '0')}`,
        event: run.event,
        receivedAt: new Date(),
        public: true,
        privacy: 'allowlisted',
        repository: run.repository,
      },
      { payloadText },
    );
  const records = { count: run.count, line };
  const measured =
    run.kind === 'bare'
      ? await bareRate(
          run.exchange,
          pulseMessageBody({ event: run.event, deliveryId: DELIVERY_ID, payloadText }),
          run.count,
        )
      : run.kind === 'verifying'
        ? await verifyingRate(run.exchange, records)
        : await relayRate(run.exchange, records, run.kind === 'relay');
  process.stdout.write(`${JSON.stringify(measured)}\n`);
}

/**
 * Writes `count` records with the disk archive into `dir`, as ingestion does: made a few at a time
 * and never held, so the process the relay is measured in holds none of them (held, 300 MiB of lines
 * made every garbage collection of the relay's cost more).
 */
async function writeRecords(dir: string, count: number, line: (i: number) => string): Promise<DiskArchive> {
  const archive = new DiskArchive(dir);
  const batch = 64;
  for (let i = 0; i < count; i += batch) {
    const appends: Promise<void>[] = [];
    for (let j = i; j < Math.min(count, i + batch); j++) appends.push(archive.append(line(j)));
    await Promise.all(appends);
  }
  await archive.close();
  return archive;
}

/**
 * Messages per second the relay of `serve` moves from the archive's raw files to RabbitMQ with
 * confirms: the records are written first (by the disk archive, as ingestion does), then the relay
 * starts from an empty cursor and is timed until the broker confirmed the last one.
 */
async function relayRate(
  exchange: string,
  records: { readonly count: number; readonly line: (i: number) => string },
  withLedger: boolean,
): Promise<Measured> {
  const { count } = records;
  const dir = await mkdtemp(join(tmpdir(), 'gw-bench-relay-'));
  const archive = await writeRecords(dir, count, records.line);
  const ledger = withLedger
    ? SqlitePublishLedger.open(join(dir, 'ledger.sqlite'), { windowMs: 259_200_000 })
    : undefined;
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
  const cpu = process.cpuUsage();
  const relay = await ArchiveRelay.open({
    root: dir,
    archive,
    republish: (messages) =>
      republishBatch(messages, settings, {
        publisher,
        payloads: new FsObjectStore(dir),
        logger: silentLogger,
        metrics: noMetrics,
        ...(ledger === undefined ? {} : { ledger }),
      }),
    deadLetter: () => Promise.reject(new Error('nothing should be dead-lettered')),
    logger: silentLogger,
  });
  relay.start();
  // Polled every millisecond: a tighter loop would take the CPU the relay is measured on.
  while (relay.state.published < count && relay.state.lastError === undefined)
    await new Promise((resolve) => setTimeout(resolve, 1));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpuMicros = cpuPer(cpu, count);
  await relay.stop();
  if (relay.state.published !== count)
    throw new Error(`relay published ${relay.state.published} of ${count}: ${relay.state.lastError}`);
  await publisher.close();
  ledger?.close();
  await rm(dir, { recursive: true, force: true });
  return { rate: count / seconds, cpuMicros };
}

/**
 * (r′): the same records, written the same way, relayed by the least a verifying relay must do
 * (relayVerified), its ledger a SQLite file as the relay's.
 */
async function verifyingRate(
  exchange: string,
  records: { readonly count: number; readonly line: (i: number) => string },
): Promise<Measured> {
  const dir = await mkdtemp(join(tmpdir(), 'gw-bench-verifying-'));
  await writeRecords(dir, records.count, records.line);
  const files = (await readdir(join(dir, 'raw'), { recursive: true }))
    .filter((entry) => entry.endsWith('.ndjson'))
    .sort()
    .map((entry) => join(dir, 'raw', entry));
  const db = new DatabaseSync(join(dir, 'ledger.sqlite'));
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
  const connection = await connect(AMQP_URL, { noDelay: true });
  const channel = await connection.createConfirmChannel();
  await channel.assertExchange(exchange, 'topic', { durable: true });
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const published = await relayVerified(files, {
    channel,
    exchange,
    ledger: new LedgerRows(db),
    window: WINDOW,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpuMicros = cpuPer(cpu, records.count);
  if (published !== records.count) throw new Error(`(r′) published ${published} of ${records.count}`);
  await connection.close();
  db.close();
  await rm(dir, { recursive: true, force: true });
  return { rate: records.count / seconds, cpuMicros };
}

/** The baseline: a bare amqplib confirm channel publishing the same bodies with the same window. */
async function bareRate(exchange: string, body: Buffer, count: number): Promise<Measured> {
  const connection = await connect(AMQP_URL, { noDelay: true });
  const channel = await connection.createConfirmChannel();
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
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
  const cpuMicros = cpuPer(cpu, count);
  await connection.close();
  return { rate: count / seconds, cpuMicros };
}
