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
        if (!brokerUp) return { messageId: m.messageId, status: 'failed', reason: 'publish_failed' };
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
        ms.map((m) => ({ messageId: m.messageId, status: 'failed', reason: 'publish_failed' })),
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
});
