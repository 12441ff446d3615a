/** The part of an amqplib confirm channel the baseline publisher uses. */
export interface ConfirmChannelLike {
  publish(exchange: string, routingKey: string, content: Buffer, options: object): boolean;
  waitForConfirms(): Promise<void>;
}

export const MAX_BATCH = 512;

/**
 * (b″)'s publishing: every record handed to it is published from the same process on one confirm
 * channel, in batches of whatever is waiting (up to 512), each batch's confirms awaited before the
 * next is sent. The least a durable public path must do after its sync; nothing of the code under
 * test is used.
 */
export class BatchConfirmPublisher {
  private queue: { routingKey: string; body: Buffer }[] = [];
  private busy = false;
  published = 0;
  batches = 0;

  constructor(
    private readonly channel: ConfirmChannelLike,
    private readonly exchange: string,
  ) {}

  enqueue(routingKey: string, body: Buffer): void {
    this.queue.push({ routingKey, body });
    if (!this.busy) void this.drain();
  }

  private async drain(): Promise<void> {
    this.busy = true;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      for (const { routingKey, body } of batch)
        this.channel.publish(this.exchange, routingKey, body, {
          persistent: true,
          contentType: 'application/json',
        });
      await this.channel.waitForConfirms();
      this.published += batch.length;
      this.batches++;
    }
    this.busy = false;
  }
}
