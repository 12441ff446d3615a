import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { formatRecordLine, pulseMessageBody } from '@github-webhooks/events';
import { type ConfirmPublishChannel, LedgerRows, relayVerified } from '../src/verifying-relay';

const tick = () => new Promise((resolve) => setImmediate(resolve));

const RECEIVED = new Date('2026-12-04T10:00:01.500Z');
const payloadOf = (i: number) =>
  JSON.stringify({ ref: `refs/heads/b${i}`, repository: { full_name: 'o/r' } });
const line = (i: number, isPublic = true) =>
  formatRecordLine(
    {
      deliveryId: `d${i}`,
      event: 'push',
      receivedAt: RECEIVED,
      hookId: '7',
      public: isPublic,
      privacy: isPublic ? 'allowlisted' : 'private_repository',
      repository: 'o/r',
    },
    { payloadText: payloadOf(i) },
  );

interface Publish {
  readonly routingKey: string;
  readonly body: string;
  readonly options: { messageId?: string; timestamp?: number; persistent?: boolean };
  readonly confirm: (error?: unknown) => void;
}

/** A channel whose confirms the test gives, in order, or that confirms each publish on the next turn. */
function fakeChannel(autoConfirm = false) {
  const publishes: Publish[] = [];
  let unconfirmed = 0;
  let most = 0;
  const channel: ConfirmPublishChannel = {
    publish: (_exchange, routingKey, content, options, callback) => {
      most = Math.max(most, ++unconfirmed);
      publishes.push({
        routingKey,
        body: content.toString(),
        options,
        confirm: (error) => {
          unconfirmed--;
          callback(error);
        },
      });
      if (autoConfirm) setImmediate(() => publishes.at(-1)?.confirm());
      return true;
    },
  };
  return { channel, publishes, most: () => most };
}

describe('relayVerified, (r′): the least a verifying relay must do', () => {
  let dir: string;
  let db: DatabaseSync;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gw-verifying-'));
    db = new DatabaseSync(':memory:');
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const rows = () =>
    db
      .prepare('SELECT key FROM published ORDER BY key')
      .all()
      .map((r) => r.key);

  it('publishes each public record as Pulse does, in order, and writes its ledger row only once confirmed', async () => {
    // Chunks of 64 bytes: every record spans reads.
    const paths = [file('a.ndjson', line(1) + line(2, false) + line(3)), file('b.ndjson', line(4))];
    const { channel, publishes } = fakeChannel();
    const ledger = new LedgerRows(db);
    const done = relayVerified(paths, { channel, exchange: 'x', ledger, window: 8, chunkBytes: 64 });
    while (publishes.length < 3) await tick();
    expect(publishes.map((p) => p.routingKey)).toEqual(['o/r/push', 'o/r/push', 'o/r/push']);
    expect(publishes[0]?.body).toBe(
      pulseMessageBody({ event: 'push', deliveryId: 'd1', payloadText: payloadOf(1) }).toString(),
    );
    expect(publishes[2]?.options).toEqual({
      persistent: true,
      contentType: 'application/json',
      messageId: 'd4',
      timestamp: Math.floor(RECEIVED.getTime() / 1000),
    });
    await tick();
    expect(rows()).toEqual([]);
    for (const p of publishes) p.confirm();
    await expect(done).resolves.toBe(3);
    expect(rows()).toHaveLength(3);
    expect(rows()[0]).toMatch(/^d1\/7\/[0-9a-f]{64}$/);
  });

  it('passes over a record the ledger holds', async () => {
    const ledger = new LedgerRows(db);
    await relayVerified([file('a.ndjson', line(1))], {
      channel: fakeChannel(true).channel,
      exchange: 'x',
      ledger,
      window: 1,
    });
    const again = fakeChannel(true);
    await expect(
      relayVerified([file('b.ndjson', line(1) + line(2))], {
        channel: again.channel,
        exchange: 'x',
        ledger,
        window: 1,
      }).then((n) => [n, again.publishes.map((p) => p.options.messageId)]),
    ).resolves.toEqual([1, ['d2']]);
  });

  it('keeps at most `window` publishes unconfirmed', async () => {
    const lines = Array.from({ length: 20 }, (_, i) => line(i)).join('');
    const { channel, publishes, most } = fakeChannel();
    const done = relayVerified([file('a.ndjson', lines)], {
      channel,
      exchange: 'x',
      ledger: new LedgerRows(db),
      window: 4,
    });
    let confirmed = 0;
    while (confirmed < 20) {
      await tick();
      for (const p of publishes.slice(confirmed)) {
        p.confirm();
        confirmed++;
      }
    }
    await expect(done).resolves.toBe(20);
    expect(most()).toBe(4);
  });

  it.each([
    ['a payload that does not match its digest', line(1).replace('refs/heads/b1', 'refs/heads/b9')],
    ['a line that is not a record', '{"delivery_id":"d1"}\n'],
  ])('refuses %s, publishing nothing of it', async (_case, text) => {
    const { channel, publishes } = fakeChannel();
    await expect(
      relayVerified([file('a.ndjson', text)], {
        channel,
        exchange: 'x',
        ledger: new LedgerRows(db),
        window: 4,
      }),
    ).rejects.toThrow(/payload_sha256|not a record/);
    expect(publishes).toHaveLength(0);
  });

  it('fails when the broker refuses a publish, its row never written', async () => {
    const { channel, publishes } = fakeChannel();
    const done = relayVerified([file('a.ndjson', line(1))], {
      channel,
      exchange: 'x',
      ledger: new LedgerRows(db),
      window: 4,
    });
    while (publishes.length < 1) await tick();
    publishes[0]?.confirm(new Error('message nacked'));
    await expect(done).rejects.toThrow('message nacked');
    expect(rows()).toEqual([]);
  });
});
