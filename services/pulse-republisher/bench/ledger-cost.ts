/**
 * What the publish ledger costs the Lambda path: the same public deliveries through handleSqsBatch
 * (batches of 10, one after another, as one container takes them) with no ledger, with the
 * Powertools ledger (DynamoDB emulator: dynalite behind the fixtures' DynamoDB stand-in, in a process
 * of their own, as a service is), and again with the ledger when every message is a duplicate;
 * alternating which goes first, several rounds, medians. Prints wall ms per batch and per message,
 * this process's CPU ms per message (the function's own work: Powertools, the SDK client), and the
 * DynamoDB calls per message.
 *
 *   pnpm exec esbuild bench/ledger-cost.ts --bundle --platform=node --external:dynalite \
 *     --outfile=.build/ledger-cost.cjs && node .build/ledger-cost.cjs
 *
 * Environment: AMQP_URL (default amqp://guest:guest@127.0.0.1:5672), BENCH_MESSAGES (400),
 * BENCH_ROUNDS (5). Run from this directory after `pnpm run package` (the table is created as the
 * packaged template defines it). The emulator is no DynamoDB: its latency is a loopback's plus its
 * own work on the same two cores, so the wall figure is not AWS's (a few ms per call in a region,
 * two calls in a row per published message, the batch's messages concurrent).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createPrivacyPolicy, formatRecordLine } from '@github-webhooks/events';
import { type CfnTableProperties, DynamoDbProxy } from '@github-webhooks/fixtures/src/dynamodb-proxy';
import { AmqpPublisher } from '@github-webhooks/pulse';
import { CounterMetrics, silentLogger } from '@github-webhooks/runtime';
import { connect } from 'amqplib';
import type { SQSEvent } from 'aws-lambda';
import { handleSqsBatch, type RepublisherMetric, type RepublishPorts } from '../src';
import { PowertoolsPublishLedger } from '../src/adapters/powertools-ledger';

const requireHere = createRequire(join(process.cwd(), 'package.json'));
const TABLE = 'ledger-cost-bench';

interface Run {
  /** Wall time of each round. */
  readonly ms: number[];
  /** This process's CPU time (user + system) of each round. */
  readonly cpuMs: number[];
}

/** The emulator's process: dynalite and the stand-in, the table as the packaged template has it. */
async function runEmulator(): Promise<void> {
  const dynalite = requireHere('dynalite') as (options: { createTableMs?: number }) => Server;
  const server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const proxy = await DynamoDbProxy.start(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  const template = JSON.parse(
    readFileSync(join(process.cwd(), '.serverless', 'cloudformation-template-update-stack.json'), 'utf8'),
  ) as { Resources: Record<string, { Properties: unknown }> };
  await proxy.createTable(TABLE, template.Resources.PublishLedgerTable?.Properties as CfnTableProperties);
  process.on('message', (message: string) => {
    if (message === 'operations') process.send?.({ operations: proxy.operations.length });
    if (message === 'stop') void proxy.stop().then(() => server.close(() => process.exit(0)));
  });
  process.send?.({ endpoint: proxy.endpoint });
}

class Emulator {
  private constructor(
    private readonly child: ChildProcess,
    readonly endpoint: string,
  ) {}

  static async start(): Promise<Emulator> {
    const child = fork(__filename, ['--emulator'], { stdio: 'inherit' });
    const endpoint = await new Promise<string>((resolve, reject) => {
      child.once('message', (m: { endpoint: string }) => resolve(m.endpoint));
      child.once('exit', (code) => reject(new Error(`the emulator exited (${code})`)));
    });
    return new Emulator(child, endpoint);
  }

  operations(): Promise<number> {
    return new Promise((resolve) => {
      this.child.once('message', (m: { operations: number }) => resolve(m.operations));
      this.child.send('operations');
    });
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.send('stop');
    });
  }
}

export async function runLedgerCost(options: { messages?: number; rounds?: number } = {}) {
  const url = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
  const messages = options.messages ?? 400;
  const rounds = options.rounds ?? 5;
  const suffix = `${process.pid}-${Date.now().toString(36)}`;
  const exchange = `exchange/ledger-cost-bench/${suffix}`;
  const queue = `queue/ledger-cost-bench/${suffix}`;

  const admin = await connect(url, { noDelay: true });
  const channel = await admin.createChannel();
  await channel.assertExchange(exchange, 'topic', { durable: false });
  await channel.assertQueue(queue, {
    durable: true,
    maxLength: 1_000,
    arguments: { 'x-overflow': 'drop-head' },
  });
  await channel.bindQueue(queue, exchange, '#');

  const emulator = await Emulator.start();
  const client = new DynamoDBClient({
    endpoint: emulator.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'stand-in', secretAccessKey: 'stand-in' },
  });
  const publisher = new AmqpPublisher({ url, exchanges: [], window: 32 });
  const metrics = new CounterMetrics<RepublisherMetric>();
  const ledger = new PowertoolsPublishLedger({
    tableName: TABLE,
    windowSeconds: 259_200,
    client,
    logger: silentLogger,
    metrics,
  });
  ledger.registerLambdaContext({ getRemainingTimeInMillis: () => 30_000 });
  const without: RepublishPorts = { publisher, payloads: { readAll: never }, logger: silentLogger, metrics };
  const withLedger: RepublishPorts = { ...without, ledger };
  const settings = { policy: createPrivacyPolicy(), exchanges: { original: [exchange], dotted: undefined } };
  const payloadText = JSON.stringify(pushExample());

  /** `messages` new deliveries, as SQS events of 10. */
  const batchesOf = (): SQSEvent[] => {
    const bodies = Array.from({ length: messages }, () =>
      formatRecordLine(
        { deliveryId: randomUUID(), event: 'push', receivedAt: new Date(), public: true, hookId: '123456' },
        { payloadText },
      ).trimEnd(),
    );
    const events: SQSEvent[] = [];
    for (let i = 0; i < bodies.length; i += 10) {
      events.push({
        Records: bodies
          .slice(i, i + 10)
          .map((body) => ({ messageId: randomUUID(), body }) as SQSEvent['Records'][number]),
      });
    }
    return events;
  };
  const handleAll = async (events: SQSEvent[], ports: RepublishPorts): Promise<[number, number]> => {
    const start = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    for (const event of events) {
      const response = await handleSqsBatch(event, settings, ports);
      if (response.batchItemFailures.length > 0) throw new Error('a message failed');
    }
    const used = process.cpuUsage(cpu);
    return [Number(process.hrtime.bigint() - start) / 1e6, (used.user + used.system) / 1000];
  };
  const timed = async (run: Run, go: () => Promise<[number, number]>) => {
    const [ms, cpuMs] = await go();
    run.ms.push(ms);
    run.cpuMs.push(cpuMs);
  };

  const fresh = (): Run => ({ ms: [], cpuMs: [] });
  const runs = { without: fresh(), ledger: fresh(), duplicates: fresh() };
  const calls = { published: 0, duplicate: 0 };
  try {
    // Warm-up: connections, JIT, the table.
    const warm = batchesOf().slice(0, 5);
    await handleAll(warm, without);
    await handleAll(warm, withLedger);
    await handleAll(warm, withLedger);
    for (let round = 0; round < rounds; round++) {
      const plain = batchesOf();
      const remembered = batchesOf();
      const order: [Run, () => Promise<[number, number]>][] = [
        [runs.without, () => handleAll(plain, without)],
        [
          runs.ledger,
          async () => {
            const before = await emulator.operations();
            const taken = await handleAll(remembered, withLedger);
            calls.published = ((await emulator.operations()) - before) / messages;
            return taken;
          },
        ],
      ];
      if (round % 2 === 1) order.reverse();
      for (const [run, go] of order) await timed(run, go);
      // The same deliveries again: every one a duplicate.
      const before = await emulator.operations();
      await timed(runs.duplicates, () => handleAll(remembered, withLedger));
      calls.duplicate = ((await emulator.operations()) - before) / messages;
    }
  } finally {
    await publisher.close();
    client.destroy();
    await emulator.stop();
    await channel.deleteQueue(queue);
    await channel.deleteExchange(exchange);
    await admin.close();
  }
  const per = (run: Run) => {
    const median = medianOf(run.ms);
    return {
      ms: run.ms.map((ms) => Math.round(ms)),
      perBatchMs: round2((median / messages) * 10),
      perMessageMs: round3(median / messages),
      cpuPerMessageMs: round3(medianOf(run.cpuMs) / messages),
    };
  };
  const result = {
    messages,
    rounds,
    without: per(runs.without),
    ledger: per(runs.ledger),
    duplicates: per(runs.duplicates),
    dynamodbCallsPerMessage: calls,
    counted: metrics.counts,
  };
  return {
    ...result,
    ledgerWallPerBatchMs: round2(result.ledger.perBatchMs - result.without.perBatchMs),
    ledgerCpuPerMessageMs: round3(result.ledger.cpuPerMessageMs - result.without.cpuPerMessageMs),
  };
}

function never(): Promise<Buffer> {
  throw new Error('no payload by reference in this bench');
}

function pushExample(): Record<string, unknown> {
  const path = requireHere.resolve('@octokit/webhooks-examples/api.github.com/index.json');
  const groups = JSON.parse(readFileSync(path, 'utf8')) as {
    name: string;
    examples: Record<string, unknown>[];
  }[];
  const payload = groups.find((group) => group.name === 'push')?.examples[4];
  if (payload === undefined) throw new Error('no push example 4 in @octokit/webhooks-examples');
  return payload;
}

const medianOf = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};
const round2 = (n: number) => Math.round(n * 100) / 100;
const round3 = (n: number) => Math.round(n * 1000) / 1000;

if (require.main === module && process.argv[2] === '--emulator') {
  runEmulator().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else if (require.main === module) {
  const number = (name: string): number | undefined =>
    process.env[name] ? Number(process.env[name]) : undefined;
  const messages = number('BENCH_MESSAGES');
  const rounds = number('BENCH_ROUNDS');
  runLedgerCost({
    ...(messages === undefined ? {} : { messages }),
    ...(rounds === undefined ? {} : { rounds }),
  }).then(
    (result) => console.log(JSON.stringify(result, null, 2)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
