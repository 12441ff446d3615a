import { type ConsumeMessage, connect } from 'amqplib';

export interface ListenOptions {
  readonly amqpUrl: string;
  readonly exchange: string;
  readonly patterns: readonly string[];
  /** Stop after this many messages (0: until stopped). */
  readonly count: number;
  readonly print: (line: string) => void;
  /** Resolves when listening should stop (e.g. SIGINT). */
  readonly stopped: Promise<void>;
  /** Called once the queue is bound, so a caller can start sending. */
  readonly onReady?: () => void;
}

/**
 * A Pulse consumer for trying the system: binds a temporary queue to the exchange and prints one
 * JSON line per message (routing key, delivery id, event, whether it is a replay).
 */
export async function listen(options: ListenOptions): Promise<number> {
  const connection = await connect(options.amqpUrl, { noDelay: true });
  try {
    const channel = await connection.createChannel();
    await channel.assertExchange(options.exchange, 'topic', { durable: true });
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
    for (const pattern of options.patterns) await channel.bindQueue(queue, options.exchange, pattern);
    let received = 0;
    let done: () => void = () => undefined;
    const enough = new Promise<void>((resolve) => {
      done = resolve;
    });
    await channel.consume(
      queue,
      (message: ConsumeMessage | null) => {
        if (!message) return done();
        received += 1;
        options.print(describe(message));
        if (options.count > 0 && received >= options.count) done();
      },
      { noAck: true },
    );
    options.onReady?.();
    await Promise.race([enough, options.stopped]);
    return received;
  } finally {
    await connection.close().catch(() => undefined);
  }
}

function describe(message: ConsumeMessage): string {
  let event: unknown;
  try {
    event = (JSON.parse(message.content.toString()) as { event?: unknown }).event;
  } catch {
    event = undefined;
  }
  return JSON.stringify({
    routing_key: message.fields.routingKey,
    delivery_id: message.properties.messageId,
    event,
    bytes: message.content.length,
    replay: message.properties.headers?.['x-github-webhooks-replay'] === 'true',
  });
}
