import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classify, createPrivacyPolicy } from '@github-webhooks/events';
import { exampleOf, signedRequest, TEST_SECRET, waitFor } from '@github-webhooks/fixtures';
import { JsonLogger } from '@github-webhooks/runtime';
import { type Channel, type ChannelModel, connect } from 'amqplib';
import { readServeConfig } from '../src/serve/serve-config';
import { type RunningStack, startStack } from '../src/serve/start-stack';

// The shared broker is never reconfigured: a queue of its own with length 0 that rejects
// publishes makes the broker nack every message routed to it, as a full or limited queue would.
const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const run = `refused-${process.pid}-${Date.now()}`;
const exchange = `test/${run}/v1`;
const rejecting = `test/${run}/rejecting`;
const policy = createPrivacyPolicy();
const publicPush = exampleOf('push', (e) => classify(e.event, e.payload, policy).public);

let dir: string;
let stack: RunningStack;
let connection: ChannelModel;
let channel: Channel;
const logs: string[] = [];

const health = async () => {
  const response = await fetch(`${stack.url}/healthz`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

async function post(): Promise<string> {
  const request = signedRequest({ event: 'push', payload: publicPush.payload });
  const response = await fetch(`${stack.url}/webhook`, {
    method: 'POST',
    headers: request.headers,
    body: request.body,
  });
  expect(response.status).toBe(202);
  return request.id;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gw-refused-'));
  connection = await connect(AMQP_URL, { noDelay: true });
  channel = await connection.createChannel();
  await channel.assertExchange(exchange, 'topic', { durable: true });
  await channel.assertQueue(rejecting, {
    durable: false,
    arguments: { 'x-max-length': 0, 'x-overflow': 'reject-publish' },
  });
  await channel.bindQueue(rejecting, exchange, '#');
  const config = readServeConfig(
    {
      'dashboard-port': 'off',
      port: '0',
      host: '127.0.0.1',
      archive: dir,
      'amqp-url': AMQP_URL,
      exchange,
      'exchange-dotted': 'off',
      'compact-every': '0',
      'relay-max-attempts': '6',
      'unhealthy-after': '1',
    },
    { WEBHOOK_SECRETS: TEST_SECRET },
  );
  stack = await startStack(
    config,
    new JsonLogger('refused', { out: { write: (line: string) => logs.push(line) } }),
    {
      maxRetryMs: 400,
    },
  );
});

afterAll(async () => {
  await stack?.close().catch(() => undefined);
  await channel?.deleteQueue(rejecting).catch(() => undefined);
  await channel?.deleteExchange(exchange).catch(() => undefined);
  await connection?.close().catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

describe('serve, when the broker refuses a message', () => {
  it('says not ok while stuck, dead-letters the message after its tries, then relays the rest', async () => {
    const refused = await post();
    await waitFor('an unhealthy /healthz', async () => (await health()).status === 503);
    const stuck = await health();
    expect(stuck.body).toMatchObject({
      ok: false,
      problems: [expect.stringMatching(/^relay stuck for \d+ s$/)],
    });
    expect(stuck.body.broker).toMatchObject({ connected: true });

    const deadLetters = join(dir, 'relay', 'dead-letter.ndjson');
    await waitFor('the dead letter', async () =>
      (await readFile(deadLetters, 'utf8').catch(() => '')).includes(refused),
    );
    const [entry] = (await readFile(deadLetters, 'utf8'))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(entry.reason).toBe('publish_failed 6 times with the broker reachable');
    expect(JSON.parse(entry.body).delivery_id).toBe(refused);
    await waitFor('a healthy /healthz', async () => (await health()).status === 200);
    expect((await health()).body).toMatchObject({ ok: true, relay: { dead_lettered: 1, pending: 0 } });
    expect(logs.some((l) => l.includes('"message":"record dead-lettered"') && l.includes(refused))).toBe(
      true,
    );

    // The queue is fixed: what comes next is published.
    await channel.deleteQueue(rejecting);
    const { queue } = await channel.assertQueue('', { exclusive: true });
    await channel.bindQueue(queue, exchange, '#');
    const next = await post();
    await waitFor('the next delivery on Pulse', async () => {
      const message = await channel.get(queue, { noAck: true });
      return message !== false && message.properties.messageId === next;
    });
  });
});
