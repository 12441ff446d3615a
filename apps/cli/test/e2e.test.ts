import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRecords } from '@github-webhooks/archive';
import { compactPending } from '@github-webhooks/archive-compactor';
import { classify, createPrivacyPolicy, pulseMessageBody, routingKeyV1 } from '@github-webhooks/events';
import { allExamples, signedRequest, TcpProxy, TEST_SECRET, waitFor } from '@github-webhooks/fixtures';
import { FsObjectStore } from '@github-webhooks/object-store';
import { JsonLogger } from '@github-webhooks/runtime';
import { type Channel, type ChannelModel, type ConsumeMessage, connect } from 'amqplib';
import { listArchiveFiles } from '../src/query/archive-files';
import { formatRows } from '../src/query/format-rows';
import { runQuery } from '../src/query/run-query';
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
      'dashboard-port': 'off',
      port: '0',
      host: '127.0.0.1',
      archive: dir,
      'amqp-url': viaProxy.toString(),
      exchange,
      'exchange-dotted': 'off',
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
    // One message per delivery: a redelivery of a published delivery (a late 202) is archived, not
    // published again (the relay's publish ledger).
    const publicSent = sent.filter((d) => d.isPublic);
    const publicRedelivered = redelivered.filter((d) => d.isPublic);
    expect(publicSent.length).toBeGreaterThan(50);
    expect(publicRedelivered.length).toBeGreaterThan(3);
    await waitFor('every public delivery on the broker', () => received.length >= publicSent.length);
    await waitFor(
      'the relay to pass the redeliveries',
      () => (stack.health().counts as Record<string, number>).Deduplicated === publicRedelivered.length,
    );
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
    // Rounded to 0.1 s: the oldest waiting record's age grows past it while the broker is away.
    await waitFor(
      'the relay lag to show',
      () => (stack.health().relay as { lag_seconds: number }).lag_seconds > 0,
    );
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

  const DOC_GUID = '72d3162e-cc78-11e3-81ab-4c9367dc0958';
  const query = async (sql: string) => runQuery(sql, await listArchiveFiles(new FsObjectStore(dir), dir));

  it('answers a query over raw files just after a delivery, each delivery once (redeliveries too)', async () => {
    const push = examples.find((e) => e.event === 'push' && e.payload.ref === 'refs/heads/master');
    if (!push) throw new Error('no push to master among the examples');
    for (let i = 0; i < 2; i++) expect((await post('push', push.payload, DOC_GUID)).status).toBe(202);
    sent.push({ id: DOC_GUID, event: 'push', payload: push.payload, isPublic: true });
    const byGuid = await query(`SELECT event, repository FROM deliveries WHERE delivery_id = '${DOC_GUID}'`);
    expect(byGuid.rows).toEqual([['push', 'Codertocat/Hello-World']]);
    const total = await query(
      'SELECT count(*) AS n, count(DISTINCT delivery_id) AS guids FROM github_webhooks.deliveries',
    );
    expect(total.rows).toEqual([[sent.length, sent.length]]);
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

  it("answers docs/consume.md's five queries on the compacted archive, as Athena would", async () => {
    const queries = docQueries();
    expect(queries.map((q) => q.title.slice(0, 2))).toEqual(['1.', '2.', '3.', '4.', '5.']);
    const results = [];
    for (const q of queries) {
      const started = performance.now();
      const result = await query(q.sql);
      results.push({ ...q, result, ms: performance.now() - started });
    }
    const [perEvent, busiest, pushes, gaps, byGuid] = results.map((r) => r.result);
    // 1: the per-event counts are the deliveries sent (GUIDs once; a redelivery is the same delivery).
    const counted = new Map<string, number>();
    for (const row of perEvent?.rows ?? [])
      counted.set(String(row[1]), (counted.get(String(row[1])) ?? 0) + Number(row[2]));
    const expected = new Map<string, number>();
    for (const d of new Map(sent.map((d) => [d.id, d])).values())
      expected.set(d.event, (expected.get(d.event) ?? 0) + 1);
    expect(counted).toEqual(expected);
    expect(busiest?.rows[0]?.[0]).toBe('Codertocat/Hello-World');
    expect(pushes?.rows.length).toBeGreaterThan(0);
    for (const row of pushes?.rows ?? []) expect(row[1]).toBe('Codertocat/Hello-World');
    expect(gaps?.columns).toEqual(['last_before_gap', 'first_after_gap', 'empty_hours']);
    expect(gaps?.rows).toEqual([]); // everything arrived within the test's minutes
    expect(byGuid?.rows).toEqual([
      [
        DOC_GUID,
        expect.any(String),
        'push',
        null,
        'Codertocat/Hello-World',
        expect.any(String),
        true,
        'allowlisted',
      ],
    ]);
    // For the closing note: what each query printed and how long it took.
    await mkdir(join(__dirname, '..', 'reports'), { recursive: true });
    await writeFile(
      join(__dirname, '..', 'reports', 'readme-queries.md'),
      results
        .map((r) => `${r.title} (${r.ms.toFixed(0)} ms)\n\n${formatRows(r.result, 'table')}\n`)
        .join('\n'),
    );
  });
});

/** The SQL block of docs/consume.md's section on SQL: one query per `-- N. title` comment. */
function docQueries(): { title: string; sql: string }[] {
  const doc = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'consume.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## The archive in SQL'));
  const block = /```sql\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block
    .split(/;\s*\n/)
    .map((text) => text.trim())
    .filter((text) => text !== '')
    .map((text) => ({ title: (/^-- (.*)$/m.exec(text)?.[1] ?? '').trim(), sql: text }));
}
