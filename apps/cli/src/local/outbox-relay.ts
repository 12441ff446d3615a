import type { Outcome, QueueMessage } from '@github-webhooks/pulse-republisher';
import type { Logger } from '@github-webhooks/runtime';
import type { Outbox, OutboxEntry } from './outbox';

/** Failures that no retry can fix: the message goes to the dead-letter file instead of blocking the queue. */
const PERMANENT = new Set(['bad_message', 'refused_private']);

export interface RelayOptions {
  readonly outbox: Outbox;
  /** The pulse-republisher's batch use case, wired to the AMQP publisher. */
  readonly republish: (messages: readonly QueueMessage[]) => Promise<Outcome[]>;
  /** Keeps messages that can never be published (the local dead-letter queue). */
  readonly deadLetter: (line: string) => Promise<void>;
  readonly logger: Logger;
  readonly batchSize?: number;
  readonly minRetryMs?: number;
  readonly maxRetryMs?: number;
}

export interface RelayState {
  readonly pending: number;
  readonly published: number;
  readonly deadLettered: number;
  readonly retrying: boolean;
  readonly lastError: string | undefined;
}

/**
 * Moves messages from the durable outbox to the broker, in order. A message leaves the outbox only
 * once the broker confirmed it (or it was dead-lettered); while the broker is away the relay backs
 * off and retries, so an outage or a restart delays messages and never drops them.
 */
export class OutboxRelay {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private published = 0;
  private deadLettered = 0;
  private retryMs = 0;
  private lastError: string | undefined;

  constructor(private readonly options: RelayOptions) {}

  get state(): RelayState {
    return {
      pending: this.options.outbox.pending,
      published: this.published,
      deadLettered: this.deadLettered,
      retrying: this.retryMs > 0,
      lastError: this.lastError,
    };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    // Appends wake an idle relay, never one backing off from a broker failure.
    const off = this.options.outbox.onAppend(() => {
      if (this.retryMs === 0) this.wake?.();
    });
    this.loop = this.run().finally(off);
  }

  /** Finishes the batch in flight, then stops. Unsent messages stay in the outbox. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      const entries = await this.options.outbox.peek(this.options.batchSize ?? 512);
      if (entries.length === 0) {
        await this.sleep(Number.POSITIVE_INFINITY);
        continue;
      }
      const complete = await this.relay(entries);
      if (complete) {
        this.retryMs = 0;
        this.lastError = undefined;
      } else {
        const { minRetryMs = 500, maxRetryMs = 30_000 } = this.options;
        this.retryMs = Math.min(maxRetryMs, Math.max(minRetryMs, this.retryMs * 2));
        await this.sleep(this.retryMs);
      }
    }
  }

  /** Publishes a batch; acknowledges the longest prefix that is done. True when all of it was. */
  private async relay(entries: readonly OutboxEntry[]): Promise<boolean> {
    const messages = entries.map((entry) => ({
      messageId: `outbox:${entry.position.segment}:${entry.position.offset}`,
      body: entry.body,
    }));
    const outcomes = await this.options.republish(messages);
    const done: OutboxEntry[] = [];
    for (const [i, entry] of entries.entries()) {
      const outcome = outcomes[i];
      if (!outcome) break;
      if (outcome.status === 'failed' && !PERMANENT.has(outcome.reason)) {
        this.lastError = outcome.reason;
        break;
      }
      if (outcome.status === 'failed') {
        await this.options.deadLetter(`${JSON.stringify({ reason: outcome.reason, body: entry.body })}\n`);
        this.deadLettered += 1;
      } else {
        this.published += 1;
      }
      done.push(entry);
    }
    await this.options.outbox.acknowledge(done);
    return done.length === entries.length;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = Number.isFinite(ms) ? setTimeout(finish, ms) : undefined;
      function finish() {
        if (timer) clearTimeout(timer);
        resolve();
      }
      this.wake = finish;
      if (!this.running) finish();
    });
  }
}
