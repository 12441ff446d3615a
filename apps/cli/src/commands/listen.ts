import { REPLAY_HEADER } from '@github-webhooks/pulse';
import { type ConsumeMessage, connect } from 'amqplib';
import { commandSettings, defineCommand, flagInteger } from '../command';
import { UsageError } from '../errors';
import { PULSE_FLAGS, readPulseSettings } from '../serve/serve-config';

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
    replay: message.properties.headers?.[REPLAY_HEADER] === 'true',
  });
}

export const listenCommand = defineCommand({
  name: 'listen',
  summary: 'print the messages arriving on a Pulse exchange (a consumer for trying things)',
  help: `Usage: github-webhooks listen [options]

Binds a temporary queue to the exchange and prints one JSON line per message.

Options:
  --exchange NAME    [PULSE_EXCHANGE] exchange/github-webhooks/v1 (the first name of the list)
  --dotted           listen on the dotted exchange instead
  --exchange-dotted NAME [PULSE_EXCHANGE_DOTTED] exchange/github-webhooks/v3
  --pattern P        binding pattern, repeatable (default #); dotted, e.g. mozilla.# or *.*.push
  --count N          stop after N messages (default: until Ctrl-C)
  --amqp-url URL     [AMQP_URL] amqp://guest:guest@127.0.0.1:5672 (amqp:// only to this machine)
  --allow-insecure-amqp [ALLOW_INSECURE_AMQP] allow a plain-text amqp:// broker on another machine`,
  options: {
    'amqp-url': { type: 'string' },
    'allow-insecure-amqp': { type: 'boolean' },
    exchange: { type: 'string' },
    dotted: { type: 'boolean' },
    'exchange-dotted': { type: 'string' },
    pattern: { type: 'string', multiple: true },
    count: { type: 'string', default: '0' },
  },
  async run(values, env) {
    const pulse = readPulseSettings(commandSettings(values, PULSE_FLAGS, env));
    const exchange = values.dotted ? pulse.exchanges.dotted : pulse.exchanges.original[0];
    if (exchange === undefined)
      throw new UsageError('--dotted: the dotted exchange is off (PULSE_EXCHANGE_DOTTED)');
    await listen({
      amqpUrl: pulse.amqpUrl,
      exchange,
      patterns: values.pattern ?? ['#'],
      count: flagInteger('count', values.count, { fallback: 0, min: 0, max: 1_000_000 }),
      print: (line) => console.log(line),
      stopped: new Promise((resolve) => process.once('SIGINT', () => resolve())),
      onReady: () => console.error('listening; Ctrl-C to stop'),
    });
    return 0;
  },
});
