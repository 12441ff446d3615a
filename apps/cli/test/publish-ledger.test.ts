import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { SqlitePublishLedger } from '../src/relay/publish-ledger';

describe('SqlitePublishLedger', () => {
  let dir: string;
  let now: number;
  const open = (windowMs = 60_000, pruneEvery = 10) =>
    SqlitePublishLedger.open(join(dir, 'ledger.sqlite'), { windowMs, now: () => now, pruneEvery });
  const published = () => Promise.resolve();

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gw-ledger-'));
    now = Date.UTC(2026, 11, 2);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('publishes a delivery once within the window, and again after it', async () => {
    const ledger = open();
    let runs = 0;
    const publish = async () => {
      runs++;
    };
    expect(await ledger.once('g/1/abc', publish)).toBe('published');
    now += 59_999;
    expect(await ledger.once('g/1/abc', publish)).toBe('duplicate');
    expect(await ledger.once('g/2/abc', publish)).toBe('published');
    now += 2;
    expect(await ledger.once('g/1/abc', publish)).toBe('published');
    expect(runs).toBe(3);
    ledger.close();
  });

  it('does not remember a publish that failed', async () => {
    const ledger = open();
    await expect(ledger.once('k', () => Promise.reject(new Error('nack')))).rejects.toThrow('nack');
    expect(await ledger.once('k', published)).toBe('published');
    ledger.close();
  });

  it('makes the second of one delivery in flight wait for the first: one publish', async () => {
    const ledger = open();
    let release: () => void = () => undefined;
    let runs = 0;
    const slow = () =>
      new Promise<void>((resolve) => {
        runs++;
        release = resolve;
      });
    const first = ledger.once('k', slow);
    const second = ledger.once('k', slow);
    await new Promise((resolve) => setImmediate(resolve));
    release();
    expect(await Promise.all([first, second])).toEqual(['published', 'duplicate']);
    expect(runs).toBe(1);
    ledger.close();
  });

  it('answers for publishes confirmed together only once their rows are committed', async () => {
    const ledger = open();
    const keys = Array.from({ length: 100 }, (_, i) => `d-${i}`);
    const committed: boolean[] = [];
    const reader = new DatabaseSync(join(dir, 'ledger.sqlite'), { readOnly: true });
    const row = reader.prepare('SELECT 1 AS one FROM published WHERE key = ?');
    const answers = await Promise.all(
      keys.map((key) =>
        ledger.once(key, published).then((answer) => {
          // Another connection sees the row when the answer arrives: it is written, not pending.
          committed.push(row.get(key) !== undefined);
          return answer;
        }),
      ),
    );
    expect(answers).toEqual(keys.map(() => 'published'));
    expect(committed).toEqual(keys.map(() => true));
    reader.close();
    ledger.close();
    const reopened = open();
    for (const key of keys) expect(await reopened.once(key, published)).toBe('duplicate');
    reopened.close();
  });

  it('remembers across a restart (the file is the ledger)', async () => {
    const first = open();
    await first.once('k', published);
    first.close();
    const second = open();
    expect(await second.once('k', published)).toBe('duplicate');
    second.close();
  });

  it('holds no more than the window’s deliveries, whatever runs through it (injected clock)', async () => {
    const ledger = open(10_000, 10);
    const sizes: number[] = [];
    // 1,000 deliveries, one every 100 ms: 100 s through a 10 s window.
    for (let i = 0; i < 1_000; i++) {
      await ledger.once(`d-${i}`, published);
      now += 100;
      sizes.push(ledger.size);
    }
    // At most the window's 100 deliveries, plus those since the last prune (10).
    expect(Math.max(...sizes)).toBeLessThanOrEqual(110);
    expect(Math.max(...sizes)).toBeGreaterThanOrEqual(100);
    ledger.close();
  });
});
