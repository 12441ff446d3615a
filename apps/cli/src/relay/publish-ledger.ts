import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { PublishLedger } from '@github-webhooks/pulse-republisher';
import { OnePerKey } from '@github-webhooks/runtime';

export interface LedgerOptions {
  /** How long a published delivery is remembered: GitHub's redelivery window (3 days on github.com, 7 on GHES). */
  readonly windowMs: number;
  readonly now?: () => number;
  /** Forget what is past the window after this many additions (and at open). */
  readonly pruneEvery?: number;
  /** Called after a publish is confirmed, before it is written down: where a crash repeats it. */
  readonly beforeRemember?: (key: string) => void;
}

interface Pending {
  readonly key: string;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * The relay's publish ledger, beside its cursor (`relay/ledger.sqlite`): one row per delivery
 * published to Pulse, kept for the window. SQLite (built into Node 24, `node:sqlite`) rather than a
 * file of our own: an indexed look-up per message, a write that survives `kill -9` (WAL; `NORMAL`
 * syncs at checkpoints, so a power cut can forget the last few, which then repeat: never a loss),
 * and old rows deleted in place, so the file never grows past the window's deliveries. The rows of
 * publishes confirmed together are written in one transaction (a transaction each cost ~5× as much
 * per message), and `once` answers only after its row is committed.
 */
export class SqlitePublishLedger implements PublishLedger {
  private readonly find: StatementSync;
  private readonly insert: StatementSync;
  private readonly forget: StatementSync;
  private readonly count: StatementSync;
  /** Deliveries being published now: a second message of one delivery waits for the first. */
  private readonly serial = new OnePerKey<'published' | 'duplicate'>();
  private additions = 0;
  /** Rows to write in the next transaction, and whoever waits for them. */
  private pending: Pending[] = [];

  private constructor(
    private readonly db: DatabaseSync,
    private readonly options: Required<Omit<LedgerOptions, 'beforeRemember'>> & LedgerOptions,
  ) {
    this.find = db.prepare('SELECT 1 FROM published WHERE key = ? AND at >= ?');
    this.insert = db.prepare('INSERT OR REPLACE INTO published (key, at) VALUES (?, ?)');
    this.forget = db.prepare('DELETE FROM published WHERE at < ?');
    this.count = db.prepare('SELECT count(*) AS n FROM published');
  }

  static open(path: string, options: LedgerOptions): SqlitePublishLedger {
    const db = new DatabaseSync(path);
    db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;');
    db.exec('CREATE TABLE IF NOT EXISTS published (key TEXT PRIMARY KEY, at INTEGER NOT NULL) WITHOUT ROWID');
    db.exec('CREATE INDEX IF NOT EXISTS published_at ON published (at)');
    const ledger = new SqlitePublishLedger(db, {
      now: Date.now,
      pruneEvery: 1_000,
      ...options,
    });
    ledger.prune();
    return ledger;
  }

  once(key: string, publish: () => Promise<void>): Promise<'published' | 'duplicate'> {
    return this.serial.run(key, async () => {
      if (this.find.get(key, this.options.now() - this.options.windowMs) !== undefined) return 'duplicate';
      await publish();
      this.options.beforeRemember?.(key);
      await this.remember(key);
      return 'published';
    });
  }

  /** Resolves once the key's row is committed, with every other row added before the next turn. */
  private remember(key: string): Promise<void> {
    return new Promise((resolve, reject) => {
      // Confirms arrive together (one socket read): their rows gather until the event loop turns.
      if (this.pending.length === 0) setImmediate(() => this.flush());
      this.pending.push({ key, resolve, reject });
    });
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    try {
      this.db.exec('BEGIN');
      for (const { key } of batch) this.insert.run(key, this.options.now());
      this.db.exec('COMMIT');
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      for (const item of batch) item.reject(error);
      return;
    }
    const before = this.additions;
    this.additions += batch.length;
    if (Math.floor(before / this.options.pruneEvery) !== Math.floor(this.additions / this.options.pruneEvery))
      this.prune();
    for (const item of batch) item.resolve();
  }

  /** Forgets what is past the window: the ledger holds at most the window's deliveries. */
  prune(): void {
    this.forget.run(this.options.now() - this.options.windowMs);
  }

  get size(): number {
    return Number((this.count.get() as { n: number | bigint }).n);
  }

  /** Writes what waits to be written, then closes. */
  close(): void {
    this.flush();
    this.db.close();
  }
}
