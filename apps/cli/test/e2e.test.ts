import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRecords } from '@github-webhooks/archive';
import { compactPending } from '@github-webhooks/archive-compactor';
import { classify, createPrivacyPolicy, pulseMessageBody, routingKeyV1 } from '@github-webhooks/events';
import { allExamples, signedRequest, TcpProxy, TEST_SECRET } from '@github-webhooks/fixtures';
import { FsObjectStore } from '@github-webhooks/object-store';
import { JsonLogger } from '@github-webhooks/runtime';
import { type Channel, type ChannelModel, type ConsumeMessage, connect } from 'amqplib';
import { readServeConfig } from '../src/serve/serve-config';
import { type RunningStack, startStack } from '../src/serve/start-stack';

const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const broker = new URL(AMQP_URL);
const run = `e2e-${process.pid}-${Date.now()}`;
const exchange = `test/${run}/v1`;
const policy = createPrivacyPolicy();

let dir: string;
let proxy: TcpProxy;
let stack: RunningStack;
let connection: ChannelModel;
let channel: Channel;
const received: ConsumeMessage[] = [];
const logs: string[] = [];

async function waitFor(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function post(event: string, payload: unknown, id?: string): Promise<{ id: string; status: number }> {
  const request = signedRequest({ event, payload, ...(id ? { id } : {}) });
  const response = await fetch(`${stack.url}/webhook`, {
    method: 'POST',
    headers: request.headers,
    body: request.body,
  });
  return { id: request.id, status: response.status };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gw-e2e-'));
  proxy = await TcpProxy.start({ host: broker.hostname, port: Number(broker.port || 5672) });
  const viaProxy = new URL(AMQP_URL);
  viaProxy.port = String(proxy.port);
  connection = await connect(AMQP_URL, { noDelay: true });
  channel = await connection.createChannel();
  await channel.assertExchange(exchange, 'topic', { durable: true });
  const { queue } = await channel.assertQueue('', { exclusive: true });
  await channel.bindQueue(queue, exchange, '#');
  await channel.consume(queue, (message) => message && received.push(message), { noAck: true });
  const config = readServeConfig(
    {
      port: '0',
      host: '127.0.0.1',
      archive: dir,
      'amqp-url': viaProxy.toString(),
      exchange,
      'exchange-v2': 'off',
      'compact-every': '0',
    },
    { WEBHOOK_SECRETS: TEST_SECRET },
  );
  stack = await startStack(
    config,
    new JsonLogger('e2e', { out: { write: (line: string) => logs.push(line) } }),
    {
      maxRetryMs: 300,
    },
  );
});

afterAll(async () => {
  await stack?.close().catch(() => undefined);
  await channel?.deleteExchange(exchange).catch(() => undefined);
  await connection?.close().catch(() => undefined);
  await proxy?.refuse();
  await rm(dir, { recursive: true, force: true });
});

describe('serve, end to end with the real broker', () => {
  const examples = allExamples();
  const sent: { id: string; event: string; payload: Record<string, unknown>; isPublic: boolean }[] = [];

  it('archives every delivery and puts exactly the public ones on Pulse, redeliveries included', async () => {
    for (const example of examples) {
      const { id, status } = await post(example.event, example.payload);
      expect([example.name, status]).toEqual([example.name, example.event === 'ping' ? 200 : 202]);
      sent.push({
        id,
        event: example.event,
        payload: example.payload,
        isPublic: classify(example.event, example.payload, policy).public,
      });
    }
    // GitHub redelivers with the same GUID.
    const redelivered = sent.filter((_, i) => i % 50 === 0);
    for (const delivery of redelivered)
      expect((await post(delivery.event, delivery.payload, delivery.id)).status).toBeLessThan(300);
    const publicSent = [...sent, ...redelivered].filter((d) => d.isPublic);
    expect(publicSent.length).toBeGreaterThan(50);
    await waitFor('every public delivery on the broker', () => received.length >= publicSent.length);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(received).toHaveLength(publicSent.length);
    const byId = new Map(sent.map((d) => [d.id, d]));
    for (const message of received) {
      const delivery = byId.get(String(message.properties.messageId));
      expect(delivery?.isPublic).toBe(true);
      if (!delivery) continue;
      expect(message.fields.routingKey).toBe(routingKeyV1(delivery.event, delivery.payload));
      const expected = pulseMessageBody({
        event: delivery.event,
        deliveryId: delivery.id,
        payloadText: JSON.stringify(delivery.payload),
      });
      expect(message.content.equals(expected)).toBe(true);
    }
    expect(new Set(received.map((m) => m.properties.messageId))).toEqual(
      new Set(sent.filter((d) => d.isPublic).map((d) => d.id)),
    );
    await waitFor(
      'the relay to be confirmed',
      () => (stack.health().relay as { pending: number }).pending === 0,
    );
    expect(stack.health()).toMatchObject({ broker: { connected: true } });
  });

  it('keeps public deliveries waiting in the archive while the broker is away, and relays them when it is back', async () => {
    const before = received.length;
    await proxy.refuse();
    const publicExamples = examples.filter((e) => classify(e.event, e.payload, policy).public).slice(0, 20);
    const ids: string[] = [];
    for (const example of publicExamples) {
      const { id, status } = await post(example.event, example.payload);
      expect(status).toBe(202);
      ids.push(id);
      sent.push({ id, event: example.event, payload: example.payload, isPublic: true });
    }
    await waitFor(
      'the relay to notice the outage',
      () => (stack.health().relay as { retrying: boolean }).retrying,
    );
    expect(stack.health().relay).toMatchObject({
      pending: expect.any(Number),
      backlog_bytes: expect.any(Number),
    });
    expect((stack.health().relay as { pending: number }).pending).toBeGreaterThan(0);
    expect((stack.health().relay as { lag_seconds: number }).lag_seconds).toBeGreaterThan(0);
    await proxy.accept();
    await waitFor('the relay to catch up after the outage', () => received.length >= before + ids.length);
    const arrived = new Set(received.slice(before).map((m) => String(m.properties.messageId)));
    for (const id of ids) expect(arrived.has(id)).toBe(true);
    // The relay moves its cursor once the broker confirmed, which can follow the consumer's delivery.
    await waitFor(
      'the relay to be confirmed',
      () => (stack.health().relay as { pending: number }).pending === 0,
    );
  });

  it('after compaction, holds every delivery once in the hourly files', async () => {
    await stack.close();
    const store = new FsObjectStore(dir);
    const report = await compactPending({
      store,
      now: new Date(Date.now() + 3 * 3_600_000),
      latenessMs: 0,
      bufferMs: 0,
    });
    expect(report.duplicatesDropped).toBeGreaterThan(0);
    const ids: string[] = [];
    for await (const object of store.list('hourly/')) {
      if (!object.key.endsWith('.ndjson.gz')) continue;
      for await (const item of readRecords(await store.read(object.key))) {
        expect(item.kind).toBe('record');
        if (item.kind === 'record') ids.push(item.record.delivery_id);
      }
    }
    expect(ids.length).toBe(new Set(ids).size);
    expect(new Set(ids)).toEqual(new Set(sent.map((d) => d.id)));
    const raw: string[] = [];
    for await (const object of store.list('raw/')) raw.push(object.key);
    expect(raw).toEqual([]);
  });
});
