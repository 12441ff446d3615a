import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { DatabaseSync, StatementSync } from 'node:sqlite';

/** The part of an amqplib confirm channel (r′) uses: a publish and its confirm callback. */
export interface ConfirmPublishChannel {
  publish(
    exchange: string,
    routingKey: string,
    content: Buffer,
    options: object,
    callback: (error: unknown) => void,
  ): boolean;
}

/** The head fields (r′) reads: what the relay needs to decide, route, stamp and remember a record. */
interface Head {
  readonly delivery_id: string;
  readonly event: string;
  readonly received_at: string;
  readonly hook_id: string | null;
  readonly public: boolean;
  readonly repository: string | null;
  readonly payload_sha256: string;
}

const PAYLOAD_KEY = Buffer.from(',"payload":');
const CLOSE = Buffer.from('}');

/** A line's head and payload, the payload's digest checked: a record that fails it is never published. */
function readRecord(line: Buffer): { head: Head; payload: Buffer } {
  const at = line.indexOf(PAYLOAD_KEY);
  if (at < 0 || line[line.length - 1] !== 0x7d) throw new Error('not a record line');
  const head = JSON.parse(`${line.toString('utf8', 0, at)}}`) as Head;
  const payload = line.subarray(at + PAYLOAD_KEY.length, line.length - 1);
  if (createHash('sha256').update(payload).digest('hex') !== head.payload_sha256)
    throw new Error(`record ${head.delivery_id}: payload does not match payload_sha256`);
  return { head, payload };
}

/** Complete lines of a file, read in chunks of `chunkBytes` (the relay's batch read), as views. */
async function* linesOf(path: string, chunkBytes: number): AsyncGenerator<Buffer> {
  const handle = await open(path, 'r');
  try {
    let carry = Buffer.alloc(0);
    for (;;) {
      const chunk = Buffer.allocUnsafe(chunkBytes);
      const { bytesRead } = await handle.read(chunk, 0, chunkBytes, null);
      if (bytesRead === 0) return;
      const data =
        carry.length === 0
          ? chunk.subarray(0, bytesRead)
          : Buffer.concat([carry, chunk.subarray(0, bytesRead)]);
      let start = 0;
      for (let nl = data.indexOf(0x0a); nl !== -1; nl = data.indexOf(0x0a, start)) {
        yield data.subarray(start, nl);
        start = nl + 1;
      }
      carry = data.subarray(start);
    }
  } finally {
    await handle.close();
  }
}

/** The publish ledger's rows, as the relay keeps them: looked up before a publish, written once confirmed. */
export class LedgerRows {
  private readonly find: StatementSync;
  private readonly insert: StatementSync;
  private pending: string[] = [];

  constructor(private readonly db: DatabaseSync) {
    db.exec('CREATE TABLE IF NOT EXISTS published (key TEXT PRIMARY KEY, at INTEGER NOT NULL) WITHOUT ROWID');
    this.find = db.prepare('SELECT 1 FROM published WHERE key = ?');
    this.insert = db.prepare('INSERT OR REPLACE INTO published (key, at) VALUES (?, ?)');
  }

  has(key: string): boolean {
    return this.find.get(key) !== undefined;
  }

  /** Written with every other row confirmed in the same turn of the event loop, in one transaction. */
  add(key: string): void {
    if (this.pending.length === 0) setImmediate(() => this.flush());
    this.pending.push(key);
  }

  flush(): void {
    if (this.pending.length === 0) return;
    const now = Date.now();
    this.db.exec('BEGIN');
    for (const key of this.pending) this.insert.run(key, now);
    this.db.exec('COMMIT');
    this.pending = [];
  }
}

export interface VerifyingRelayTarget {
  readonly channel: ConfirmPublishChannel;
  readonly exchange: string;
  readonly ledger: LedgerRows;
  /** Publishes awaiting their confirm at once. */
  readonly window: number;
  /** Bytes read at a time. Default 16 MiB, as the relay. */
  readonly chunkBytes?: number;
}

/** Publishes with at most `window` unconfirmed; the first refusal fails what follows. */
class ConfirmWindow {
  private inFlight = 0;
  private failure: unknown;
  private freed: (() => void) | undefined;
  published = 0;

  constructor(private readonly target: VerifyingRelayTarget) {}

  async publish(routingKey: string, body: Buffer, options: object, onConfirm: () => void): Promise<void> {
    while (this.inFlight >= this.target.window && this.failure === undefined) await this.turn();
    this.check();
    this.inFlight++;
    this.target.channel.publish(this.target.exchange, routingKey, body, options, (error) => {
      this.inFlight--;
      if (error) this.failure ??= error;
      else {
        this.published++;
        onConfirm();
      }
      this.freed?.();
      this.freed = undefined;
    });
  }

  async drain(): Promise<void> {
    while (this.inFlight > 0) await this.turn();
    this.check();
  }

  private turn(): Promise<void> {
    return new Promise((resolve) => {
      this.freed = resolve;
    });
  }

  private check(): void {
    if (this.failure !== undefined) throw this.failure;
  }
}

/**
 * (r′), the least a relay that keeps the product's promises must do, none of its code used: each
 * record of the files read, its head parsed, its payload checked against its digest, the private
 * ones passed over, the ones in the ledger not published again, the Pulse body made around the
 * payload's bytes, published persistent with its message id and timestamp on a confirm channel
 * (`window` at once), and its ledger row written once confirmed. Resolves with the count published.
 */
export async function relayVerified(paths: readonly string[], target: VerifyingRelayTarget): Promise<number> {
  const { ledger } = target;
  const window = new ConfirmWindow(target);
  for (const path of paths) {
    for await (const line of linesOf(path, target.chunkBytes ?? 16 * 1024 * 1024)) {
      const { head, payload } = readRecord(line);
      if (!head.public || head.repository === null) continue;
      const key = `${head.delivery_id}/${head.hook_id}/${head.payload_sha256}`;
      if (ledger.has(key)) continue;
      const prefix = `{"event":${JSON.stringify(head.event)},"request_id":${JSON.stringify(head.delivery_id)},"payload":`;
      const options = {
        persistent: true,
        contentType: 'application/json',
        messageId: head.delivery_id,
        timestamp: Math.floor(Date.parse(head.received_at) / 1000),
      };
      await window.publish(
        `${head.repository}/${head.event}`,
        Buffer.concat([Buffer.from(prefix), payload, CLOSE]),
        options,
        () => ledger.add(key),
      );
    }
  }
  await window.drain();
  ledger.flush();
  return window.published;
}
