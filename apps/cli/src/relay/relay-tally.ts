import type { Logger } from '@github-webhooks/runtime';
import type { HeadAttempts } from './attempts';
import type { RelayState } from './relay-options';
import type { DeadLetter, Settlement } from './settle';

/**
 * What the relay's batches came to, as its state reports it: records published and dead-lettered,
 * public deliveries accepted and not yet relayed, the head's tries and the last error. Applies a
 * batch's settlement once its dead letters are written (a failed write leaves the rest of it to the
 * retry).
 */
export class RelayTally {
  private published = 0;
  private deadLettered = 0;
  private accepted = 0;
  private passedLive = 0;
  /** Tries of the first waiting record. */
  attempts: HeadAttempts;
  lastError: string | undefined;

  constructor(
    private readonly deadLetter: (line: string) => Promise<void>,
    private readonly logger: Logger,
  ) {}

  get state(): Pick<RelayState, 'pending' | 'published' | 'deadLettered' | 'attempts'> {
    return {
      pending: Math.max(0, this.accepted - this.passedLive),
      published: this.published,
      deadLettered: this.deadLettered,
      attempts: this.attempts?.tries ?? 0,
    };
  }

  /** Ingestion accepted a public delivery (it is in the archive): counted until relayed. */
  accept(): void {
    this.accepted += 1;
  }

  /** Writes the settlement's dead letters, then counts it (`live`: a file this process writes). */
  async apply(settled: Settlement, live: boolean): Promise<void> {
    this.lastError = settled.lastError ?? this.lastError;
    for (const letter of settled.deadLetters) await this.write(letter);
    this.attempts = settled.attempts;
    this.published += settled.published;
    if (live) this.passedLive += settled.confirmed;
  }

  private async write({ line, reason, deliveryId, event }: DeadLetter): Promise<void> {
    await this.deadLetter(`${JSON.stringify({ reason, body: line.bytes.toString('utf8') })}\n`);
    this.deadLettered += 1;
    this.logger.error('record dead-lettered', { delivery_id: deliveryId, event, reason });
  }
}
