import type { Outcome, QueueMessage } from '@github-webhooks/pulse-republisher';
import { describeError, errorLine, type Logger } from '@github-webhooks/runtime';
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
  /**
   * Tries of the first waiting message, with the broker reachable, before it is dead-lettered (a
   * message the broker refuses, e.g. over its max_message_size, or a queue that nacks). Failures
   * while the broker cannot be reached do not count: an outage delays, it never dead-letters.
   * Default 5.
   */
  readonly maxAttempts?: number;
  readonly clock?: () => number;
}

export interface RelayState {
  readonly pending: number;
  readonly published: number;
  readonly deadLettered: number;
  readonly retrying: boolean;
  readonly lastError: string | undefined;
  /** Since when the first waiting message has kept failing (ms since the epoch), if it has. */
  readonly stuckSince: number | undefined;
  /** Tries of the first waiting message so far. */
  readonly attempts: number;
}

/**
 * Moves messages from the durable outbox to the broker, in order. A message leaves the outbox only
 * once the broker confirmed it (or it was dead-lettered); while the broker is away the relay backs
 * off and retries, so an outage or a restart delays messages and never drops them. Its own I/O
 * errors (a full disk, too many open files) are logged and retried: the loop never dies.
 */
export class OutboxRelay {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private published = 0;
  private deadLettered = 0;
  private retryMs = 0;
  private lastError: string | undefined;
  private stuckSince: number | undefined;
  /** The first waiting message and its tries while the broker was reachable. */
  private head: { id: string; attempts: number } | undefined;
  private readonly clock: () => number;

  constructor(private readonly options: RelayOptions) {
    this.clock = options.clock ?? Date.now;
  }

  get state(): RelayState {
    return {
      pending: this.options.outbox.pending,
      published: this.published,
      deadLettered: this.deadLettered,
      retrying: this.retryMs > 0,
      lastError: this.lastError,
      stuckSince: this.stuckSince,
      attempts: this.head?.attempts ?? 0,
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
      let complete: boolean;
      try {
        const entries = await this.options.outbox.peek(this.options.batchSize ?? 512);
        if (entries.length === 0) {
          await this.sleep(Number.POSITIVE_INFINITY);
          continue;
        }
        complete = await this.relay(entries);
      } catch (error) {
        this.lastError = errorLine(error);
        this.options.logger.error('relay failed; retrying', { error: describeError(error) });
        complete = false;
      }
      if (complete) {
        this.retryMs = 0;
        this.lastError = undefined;
        this.stuckSince = undefined;
      } else {
        this.stuckSince ??= this.clock();
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
    let complete = true;
    for (const [i, entry] of entries.entries()) {
      const outcome = outcomes[i];
      const message = messages[i];
      if (!outcome || !message) break;
      let reason: string | undefined = outcome.status === 'failed' ? outcome.reason : undefined;
      if (outcome.status === 'failed' && !PERMANENT.has(outcome.reason)) {
        this.lastError = outcome.reason;
        if (!this.countAttempt(message.messageId, done.length === 0 && !outcome.brokerUnavailable)) {
          complete = false;
          break;
        }
        reason = `${outcome.reason} ${this.head?.attempts ?? 0} times with the broker reachable`;
      }
      if (reason !== undefined) {
        await this.options.deadLetter(`${JSON.stringify({ reason, body: entry.body })}\n`);
        this.deadLettered += 1;
        this.options.logger.error('message dead-lettered', {
          ...deliveryFields(outcome),
          reason,
        });
      } else {
        this.published += 1;
      }
      this.head = undefined;
      done.push(entry);
    }
    await this.options.outbox.acknowledge(done);
    return complete;
  }

  /**
   * Counts a try of the first waiting message (only when it failed with the broker reachable);
   * true once it has had its tries and is to be dead-lettered.
   */
  private countAttempt(id: string, counts: boolean): boolean {
    if (this.head?.id !== id) this.head = { id, attempts: 0 };
    if (counts) this.head.attempts += 1;
    return this.head.attempts >= (this.options.maxAttempts ?? 5);
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

function deliveryFields(outcome: Outcome) {
  return { delivery_id: outcome.deliveryId, event: outcome.event };
}
