/**
 * Publish rate of AmqpPublisher against a bare amqplib confirm-channel loop with the same window of
 * in-flight confirms, alternating, several rounds; prints the medians and their ratio.
 *
 *   pnpm exec esbuild bench/publish-rate.ts --bundle --platform=node --outfile=/tmp/pr.cjs && node /tmp/pr.cjs
 *
 * Environment: AMQP_URL (default amqp://guest:guest@127.0.0.1:5672), BENCH_MESSAGES (20000),
 * BENCH_ROUNDS (5), BENCH_WINDOW (32). Run from this directory (the examples are read from its node_modules).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pulseMessageBody } from '@github-webhooks/events';
import { connect } from 'amqplib';
import { AmqpPublisher } from '../src';

export interface PublishBenchOptions {
  readonly url?: string;
  /** Messages per run. Default 20000. */
  readonly messages?: number;
  /** Rounds; each runs the publisher and the bare loop once, alternating which goes first. Default 5. */
  readonly rounds?: number;
  /** In-flight confirms. Default 32 (the Lambda's default PUBLISH_WINDOW). */
  readonly window?: number;
  /** The message body; default: the Pulse message of the real 7.7 KB push example. */
  readonly body?: Buffer;
}

export interface RateSummary {
  /** Messages per second, one per round. */
  readonly rates: number[];
  readonly median: number;
}

export interface PublishBenchResult {
  readonly messages: number;
  readonly bodyBytes: number;
  readonly window: number;
  readonly rounds: number;
  readonly publisher: RateSummary;
  readonly bare: RateSummary;
  /** publisher median / bare median. */
  readonly ratio: number;
}

const ROUTING_KEY = 'Codertocat/Hello-World/push';

export async function runPublishBench(options: PublishBenchOptions = {}): Promise<PublishBenchResult> {
  const url = options.url ?? process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
  const messages = options.messages ?? 20_000;
  const rounds = options.rounds ?? 5;
  const window = options.window ?? 32;
  const body = options.body ?? defaultBody();
  const suffix = `${process.pid}-${Date.now().toString(36)}`;
  const exchange = `exchange/pulse-republisher-bench/${suffix}`;
  const queue = `queue/pulse-republisher-bench/${suffix}`;

  const admin = await connect(url, { noDelay: true });
  const adminChannel = await admin.createChannel();
  await adminChannel.assertExchange(exchange, 'topic', { durable: false, autoDelete: false });
  // A durable queue, as a Pulse consumer's would be, kept short so the broker stores only a little.
  await adminChannel.assertQueue(queue, {
    durable: true,
    maxLength: 1_000,
    arguments: { 'x-overflow': 'drop-head' },
  });
  await adminChannel.bindQueue(queue, exchange, '#');

  const publisher = new AmqpPublisher({ url, window, exchanges: [] });
  const bare = await connect(url, { noDelay: true });
  const bareChannel = await bare.createConfirmChannel();
  const publisherRates: number[] = [];
  const bareRates: number[] = [];
  try {
    // Warm-up: connection, JIT, broker queue process.
    await viaPublisher(publisher, exchange, body, Math.min(2_000, messages));
    await viaBareLoop(bareChannel, exchange, body, Math.min(2_000, messages), window);
    for (let round = 0; round < rounds; round++) {
      const runs: [number[], () => Promise<void>][] = [
        [publisherRates, () => viaPublisher(publisher, exchange, body, messages)],
        [bareRates, () => viaBareLoop(bareChannel, exchange, body, messages, window)],
      ];
      if (round % 2 === 1) runs.reverse();
      for (const [rates, run] of runs) {
        const start = process.hrtime.bigint();
        await run();
        const seconds = Number(process.hrtime.bigint() - start) / 1e9;
        rates.push(Math.round(messages / seconds));
      }
    }
  } finally {
    await publisher.close();
    await bare.close();
    await adminChannel.deleteQueue(queue);
    await adminChannel.deleteExchange(exchange);
    await admin.close();
  }
  const publisherMedian = median(publisherRates);
  const bareMedian = median(bareRates);
  return {
    messages,
    bodyBytes: body.byteLength,
    window,
    rounds,
    publisher: { rates: publisherRates, median: publisherMedian },
    bare: { rates: bareRates, median: bareMedian },
    ratio: Math.round((publisherMedian / bareMedian) * 1000) / 1000,
  };
}

function viaPublisher(
  publisher: AmqpPublisher,
  exchange: string,
  body: Buffer,
  count: number,
): Promise<void> {
  const timestamp = new Date();
  return Promise.all(
    Array.from({ length: count }, () =>
      publisher.publish({ exchange, routingKey: ROUTING_KEY, body, messageId: randomUUID(), timestamp }),
    ),
  ).then(() => undefined);
}

type ConfirmChannel = Awaited<ReturnType<Awaited<ReturnType<typeof connect>>['createConfirmChannel']>>;

/** The same publishes with amqplib alone: keep `window` unconfirmed, publish the next on each confirm. */
function viaBareLoop(
  channel: ConfirmChannel,
  exchange: string,
  body: Buffer,
  count: number,
  window: number,
): Promise<void> {
  const timestamp = Math.floor(Date.now() / 1000);
  return new Promise((resolve, reject) => {
    let sent = 0;
    let confirmed = 0;
    let inFlight = 0;
    const pump = (): void => {
      while (inFlight < window && sent < count) {
        inFlight++;
        sent++;
        const options = {
          persistent: true,
          contentType: 'application/json',
          messageId: randomUUID(),
          timestamp,
        };
        channel.publish(exchange, ROUTING_KEY, body, options, (error: unknown) => {
          if (error) return reject(error);
          inFlight--;
          confirmed++;
          if (confirmed === count) resolve();
          else pump();
        });
      }
    };
    pump();
  });
}

function defaultBody(): Buffer {
  const require = createRequire(join(process.cwd(), 'package.json'));
  const path = require.resolve('@octokit/webhooks-examples/api.github.com/index.json');
  const groups = JSON.parse(readFileSync(path, 'utf8')) as {
    name: string;
    examples: Record<string, unknown>[];
  }[];
  const payload = groups.find((group) => group.name === 'push')?.examples[4];
  if (payload === undefined) throw new Error('no push example 4 in @octokit/webhooks-examples');
  return pulseMessageBody({ event: 'push', deliveryId: randomUUID(), payloadText: JSON.stringify(payload) });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : Math.round(((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2);
}

if (require.main === module) {
  const number = (name: string): number | undefined =>
    process.env[name] ? Number(process.env[name]) : undefined;
  const messages = number('BENCH_MESSAGES');
  const rounds = number('BENCH_ROUNDS');
  const window = number('BENCH_WINDOW');
  runPublishBench({
    ...(messages === undefined ? {} : { messages }),
    ...(rounds === undefined ? {} : { rounds }),
    ...(window === undefined ? {} : { window }),
  }).then(
    (result) => console.log(JSON.stringify(result, null, 2)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
