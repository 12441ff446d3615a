import { readFileSync } from 'node:fs';
import { DeleteMessageBatchCommand, type Message, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { type LambdaProcess, sqsEvent } from '@github-webhooks/fixtures';
import { type Channel, type ChannelModel, type ConsumeMessage, connect } from 'amqplib';
import type { SQSBatchResponse } from 'aws-lambda';
import type { AwsWorld } from './world';

/**
 * Lambda's SQS event source mapping, played by the test: receives up to 10 messages, hands them to
 * the function as the mapping builds its event, deletes what the function reports published and
 * leaves the reported failures on the queue (to come back after the visibility timeout).
 */
export class QueuePoller {
  readonly stats = { batches: 0, received: 0, deleted: 0, failed: 0 };

  constructor(
    private readonly world: AwsWorld,
    private readonly republisher: LambdaProcess,
  ) {}

  /** Polls until `done` holds; gives up after `timeoutMs`. */
  async pollUntil(done: () => boolean | Promise<boolean>, timeoutMs = 90_000): Promise<void> {
    const queue = this.world.resource('pulse-republisher', 'RepublishQueue');
    const until = Date.now() + timeoutMs;
    while (!(await done())) {
      if (Date.now() > until) throw new Error(`queue poll timed out: ${JSON.stringify(this.stats)}`);
      const received = await this.world.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queue.url,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          MessageSystemAttributeNames: ['All'],
        }),
      );
      const messages: Message[] = received.Messages ?? [];
      if (messages.length === 0) continue;
      this.stats.batches++;
      this.stats.received += messages.length;
      const response = await this.republisher.invoke<SQSBatchResponse>(sqsEvent(messages, queue.arn));
      const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
      this.stats.failed += failed.size;
      const done = messages.filter((m) => !failed.has(m.MessageId ?? ''));
      if (done.length === 0) continue;
      await this.world.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queue.url,
          Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
        }),
      );
      this.stats.deleted += done.length;
    }
  }
}

/** A Pulse consumer of its own on the TLS node (not through the proxy), bound to `#` on both exchanges. */
export class PulseConsumer {
  readonly v1: ConsumeMessage[] = [];
  readonly v2: ConsumeMessage[] = [];

  private constructor(
    private readonly model: ChannelModel,
    readonly channel: Channel,
  ) {}

  static async open(world: AwsWorld, exchanges: { v1: string; v2: string }): Promise<PulseConsumer> {
    const model = await connect(world.rabbit.url(), {
      noDelay: true,
      ca: [readFileSync(world.rabbit.caFile)],
      servername: 'localhost',
    });
    const channel = await model.createChannel();
    const consumer = new PulseConsumer(model, channel);
    for (const [exchange, into] of [
      [exchanges.v1, consumer.v1],
      [exchanges.v2, consumer.v2],
    ] as const) {
      await channel.assertExchange(exchange, 'topic', { durable: true });
      const { queue } = await channel.assertQueue('', { exclusive: true });
      await channel.bindQueue(queue, exchange, '#');
      await channel.consume(queue, (message) => message && into.push(message), { noAck: true });
    }
    return consumer;
  }

  async close(): Promise<void> {
    await this.model.close().catch(() => undefined);
  }
}
