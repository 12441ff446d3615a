import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { archiveStats as stats } from '@github-webhooks/archive';
import { createPrivacyPolicy, formatRecordLine } from '@github-webhooks/events';
import { exampleOf, waitFor } from '@github-webhooks/fixtures';
import { FsObjectStore } from '@github-webhooks/object-store';
import { AmqpPublisher, REPLAY_HEADER } from '@github-webhooks/pulse';
import { silentLogger } from '@github-webhooks/runtime';
import { type ConsumeMessage, connect } from 'amqplib';
import { formatStats } from '../src/commands/stats';
import { DiskArchive } from '../src/local/disk-archive';
import { replay } from '../src/replay/replay-archive';

const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const silent = silentLogger;
const publicPush = exampleOf('push', (e) => (e.payload.repository as { private: boolean }).private === false);
const publicIssue = exampleOf(
  'issues',
  (e) => (e.payload.repository as { private: boolean }).private === false,
);
const privateIssue = exampleOf(
  'issues',
  (e) => (e.payload.repository as { private: boolean }).private === true,
);
const member = exampleOf('member');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gw-replay-'));
  const archive = new DiskArchive(dir);
  const at = (minute: number) => new Date(Date.UTC(2026, 10, 28, 14, minute));
  const records: [string, string, object, boolean, number][] = [
    ['d-push', 'push', publicPush.payload, true, 1],
    ['d-issue', 'issues', publicIssue.payload, true, 2],
    // Marked public by a past policy, private by today's (and its repository says so): never republished.
    ['d-private', 'issues', privateIssue.payload, true, 3],
    ['d-member', 'member', member.payload, false, 4],
    ['d-late', 'push', publicPush.payload, true, 70],
  ];
  for (const [id, event, payload, isPublic, minute] of records) {
    await archive.append(
      formatRecordLine(
        { deliveryId: id, event, receivedAt: at(minute), public: isPublic },
        { payloadText: JSON.stringify(payload) },
      ),
    );
  }
  // A redelivery of the same GUID is archived twice but replayed once.
  await archive.append(
    formatRecordLine(
      { deliveryId: 'd-push', event: 'push', receivedAt: at(5), public: true },
      { payloadText: JSON.stringify(publicPush.payload) },
    ),
  );
  await archive.close();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const range = { from: new Date('2026-11-28T14:00:00Z'), to: new Date('2026-11-28T15:00:00Z') };
/** Replay options that count and publish nothing. */
const dryRun = () => ({
  store: new FsObjectStore(dir),
  range,
  policy: createPrivacyPolicy(),
  exchanges: { original: ['unused'], dotted: undefined },
  publisher: undefined,
  ratePerSecond: 1000,
  logger: silent,
});

describe('replay', () => {
  it('counts without publishing on a dry run', async () => {
    const report = await replay(dryRun());
    expect(report).toEqual({ matched: 4, published: 0, failed: 0, private: 2, malformed: 0 });
  });

  it('republishes public deliveries once each, tagged as replays, never a private one', async () => {
    const exchange = `test/replay-${process.pid}-${Date.now()}/v1`;
    const connection = await connect(AMQP_URL, { noDelay: true });
    const channel = await connection.createChannel();
    await channel.assertExchange(exchange, 'topic', { durable: true });
    const { queue } = await channel.assertQueue('', { exclusive: true });
    await channel.bindQueue(queue, exchange, '#');
    const received: ConsumeMessage[] = [];
    await channel.consume(queue, (m) => m && received.push(m), { noAck: true });
    const publisher = new AmqpPublisher({ url: AMQP_URL, exchanges: [exchange] });
    try {
      const report = await replay({
        store: new FsObjectStore(dir),
        range,
        policy: createPrivacyPolicy(),
        exchanges: { original: [exchange], dotted: undefined },
        publisher,
        ratePerSecond: 1000,
        logger: silent,
      });
      expect(report).toMatchObject({ matched: 4, published: 2, failed: 0, private: 2 });
      await waitFor('both public deliveries replayed', () => received.length >= 2, 5_000);
      expect(received.map((m) => m.properties.messageId).sort()).toEqual(['d-issue', 'd-push']);
      for (const message of received) expect(message.properties.headers?.[REPLAY_HEADER]).toBe('true');
    } finally {
      await publisher.close();
      await channel.deleteExchange(exchange);
      await connection.close();
    }
  });

  it('filters by event and repository', async () => {
    const base = dryRun();
    expect((await replay({ ...base, event: 'push' })).matched).toBe(1);
    const repo = (publicIssue.payload.repository as { full_name: string }).full_name;
    expect((await replay({ ...base, event: 'issues', repo })).matched).toBe(1);
  });
});

describe('stats', () => {
  it('counts each delivery once by hour and event', async () => {
    const result = await stats(new FsObjectStore(dir), {
      from: new Date(0),
      to: new Date('2027-01-01T00:00:00Z'),
    });
    expect(result.total).toEqual({ total: 5, public: 4 });
    expect(Object.fromEntries(result.byHour)).toEqual({
      '2026-11-28T14': { total: 4, public: 3 },
      '2026-11-28T15': { total: 1, public: 1 },
    });
    expect(result.byEvent.get('push')).toEqual({ total: 2, public: 2 });
    expect(formatStats(result)).toMatch(/all\s+5\s+4/);
  });
});
