import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Outcome, QueueMessage } from '@github-webhooks/pulse-republisher';
import { silentLogger } from '@github-webhooks/runtime';
import { Outbox } from '../src/local/outbox';
import { OutboxRelay } from '../src/local/outbox-relay';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gw-relay-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const silent = silentLogger;
const until = async (check: () => boolean) => {
  const end = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('OutboxRelay', () => {
  it('publishes in order, dead-letters what can never be published, retries the rest', async () => {
    const outbox = await Outbox.open(join(dir, 'outbox'));
    const published: string[] = [];
    let brokerUp = false;
    const republish = async (messages: readonly QueueMessage[]): Promise<Outcome[]> =>
      messages.map((m): Outcome => {
        if (m.body === 'poison') return { messageId: m.messageId, status: 'failed', reason: 'bad_message' };
        if (!brokerUp)
          return {
            messageId: m.messageId,
            status: 'failed',
            reason: 'publish_failed',
            brokerUnavailable: true,
          };
        published.push(m.body);
        return {
          messageId: m.messageId,
          status: 'published',
          deliveryId: m.body,
          event: 'push',
          routingKeys: [],
        };
      });
    const deadLetters: string[] = [];
    const relay = new OutboxRelay({
      outbox,
      republish,
      deadLetter: async (line) => void deadLetters.push(line),
      logger: silent,
      minRetryMs: 10,
      maxRetryMs: 20,
    });
    relay.start();
    await outbox.append('poison');
    await outbox.append('a');
    await outbox.append('b');
    await until(() => relay.state.retrying);
    expect(relay.state).toMatchObject({ pending: 2, deadLettered: 1, lastError: 'publish_failed' });
    expect(JSON.parse(deadLetters[0] ?? '')).toEqual({ reason: 'bad_message', body: 'poison' });
    brokerUp = true;
    await until(() => relay.state.pending === 0);
    expect(published).toEqual(['a', 'b']);
    await outbox.append('c');
    await until(() => published.length === 3);
    expect(relay.state).toMatchObject({ pending: 0, published: 3, retrying: false });
    await relay.stop();
    await outbox.close();
  });

  it('leaves unsent messages in the outbox when stopped, for the next start', async () => {
    const outbox = await Outbox.open(join(dir, 'outbox'));
    const relay = new OutboxRelay({
      outbox,
      republish: async (ms) =>
        ms.map((m) => ({
          messageId: m.messageId,
          status: 'failed',
          reason: 'publish_failed',
          brokerUnavailable: true,
        })),
      deadLetter: async () => undefined,
      logger: silent,
      minRetryMs: 10,
      maxRetryMs: 10,
    });
    relay.start();
    await outbox.append('kept');
    await until(() => relay.state.retrying);
    await relay.stop();
    await outbox.close();
    const reopened = await Outbox.open(join(dir, 'outbox'));
    expect((await reopened.peek(5)).map((e) => e.body)).toEqual(['kept']);
    await reopened.close();
    expect(await readFile(join(dir, 'outbox', '000000000000.ndjson'), 'utf8')).toBe('kept\n');
  });

  it('dead-letters the first waiting message after its tries with the broker reachable, never during an outage', async () => {
    const outbox = await Outbox.open(join(dir, 'outbox'));
    let outage = true;
    const tries: string[] = [];
    const deadLetters: string[] = [];
    const relay = new OutboxRelay({
      outbox,
      republish: async (ms) =>
        ms.map((m): Outcome => {
          if (outage)
            return {
              messageId: m.messageId,
              status: 'failed',
              reason: 'publish_failed',
              brokerUnavailable: true,
            };
          tries.push(m.body);
          if (m.body === 'refused')
            return {
              messageId: m.messageId,
              status: 'failed',
              reason: 'publish_failed',
              brokerUnavailable: false,
            };
          return {
            messageId: m.messageId,
            status: 'published',
            deliveryId: m.body,
            event: 'push',
            routingKeys: [],
          };
        }),
      deadLetter: async (line) => void deadLetters.push(line),
      logger: silent,
      minRetryMs: 5,
      maxRetryMs: 5,
      maxAttempts: 3,
    });
    relay.start();
    await outbox.append('refused');
    await outbox.append('fine');
    await until(() => relay.state.retrying);
    await new Promise((r) => setTimeout(r, 100));
    expect(deadLetters).toEqual([]);
    expect(relay.state).toMatchObject({ attempts: 0, pending: 2 });
    outage = false;
    await until(() => relay.state.pending === 0);
    expect(tries.filter((t) => t === 'refused')).toHaveLength(3);
    expect(deadLetters.map((l) => JSON.parse(l))).toEqual([
      { reason: 'publish_failed 3 times with the broker reachable', body: 'refused' },
    ]);
    expect(relay.state).toMatchObject({ published: 1, deadLettered: 1, stuckSince: undefined });
    await relay.stop();
    await outbox.close();
  });

  it.each(['ENOSPC', 'EMFILE'])(
    'logs and retries its own I/O errors (%s), never dying of them',
    async (code) => {
      const outbox = await Outbox.open(join(dir, 'outbox'));
      const failing = Object.assign(new Error(`${code}: simulated`), { code });
      let failures = 2;
      const peek = outbox.peek.bind(outbox);
      outbox.peek = async (...args: Parameters<typeof peek>) => {
        if (failures-- > 0) throw failing;
        return peek(...args);
      };
      const deadLetters: string[] = [];
      let deadLetterFailures = 1;
      const errors: unknown[] = [];
      const relay = new OutboxRelay({
        outbox,
        republish: async (ms) =>
          ms.map((m): Outcome => ({ messageId: m.messageId, status: 'failed', reason: 'bad_message' })),
        deadLetter: async (line) => {
          if (deadLetterFailures-- > 0) throw failing;
          deadLetters.push(line);
        },
        logger: { ...silent, error: (_m, fields) => void errors.push(fields?.error) },
        minRetryMs: 5,
        maxRetryMs: 5,
      });
      relay.start();
      await outbox.append('poison');
      await until(() => deadLetters.length === 1 && relay.state.pending === 0);
      expect(errors.filter((e) => JSON.stringify(e ?? null).includes(code)).length).toBeGreaterThanOrEqual(2);
      expect(relay.state).toMatchObject({ pending: 0, deadLettered: 1 });
      await relay.stop();
      await outbox.close();
    },
  );
});
