import { type TestBroker, waitFor } from '@github-webhooks/fixtures';

/** What a test's queue on Pulse received, counted by message id, as the test drains it. */
export class PulseTally {
  readonly seen = new Map<string, number>();

  constructor(
    private readonly broker: TestBroker,
    private readonly queue: string,
  ) {}

  /** Counts every message waiting in the queue. */
  async collect(): Promise<void> {
    for (const message of await this.broker.drain(this.queue)) {
      const id = String(message.properties.messageId);
      this.seen.set(id, (this.seen.get(id) ?? 0) + 1);
    }
  }

  /**
   * Drains until every one of `ids` has arrived; then, after `settleMs` for whatever is still on
   * its way (a retried batch, a repeat), once more.
   */
  async waitForAll(ids: Iterable<string>, timeoutMs: number, settleMs = 0): Promise<void> {
    const expected = [...ids];
    await waitFor(
      `${expected.length} messages on Pulse`,
      async () => {
        await this.collect();
        return expected.every((id) => this.seen.has(id));
      },
      timeoutMs,
    );
    if (settleMs === 0) return;
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    await this.collect();
  }
}
