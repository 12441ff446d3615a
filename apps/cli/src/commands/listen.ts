import { REPLAY_HEADER } from '@github-webhooks/pulse';
import { type ConsumeMessage, connect } from 'amqplib';
import { commandSettings, defineCommand } from '../command';
import { UsageError } from '../errors';
import { PULSE_FLAGS, readPulseSettings } from '../serve/serve-config';
import { PULSE_SETTINGS } from '../serve/serve-settings';
import { flagIntegerOf, optionsHelp, parseOptions, type SettingSpec, settingOf } from '../settings/declare';

/** Every option of `listen`, in the order `--help` and the docs list them (the broker's are serve's). */
export const LISTEN_SETTINGS = [
  {
    ...settingOf(PULSE_SETTINGS, 'exchange'),
    value: 'NAME',
    help: 'the exchange listened on (the first name of the list)',
  },
  { flag: 'dotted', kind: 'boolean', help: 'listen on the dotted exchange instead' },
  { ...settingOf(PULSE_SETTINGS, 'exchange-dotted'), value: 'NAME' },
  {
    flag: 'pattern',
    kind: 'repeatable',
    value: 'P',
    default: '#',
    help: 'binding pattern, repeatable; dotted, e.g. mozilla.# or *.*.push',
  },
  {
    flag: 'count',
    kind: 'integer',
    value: 'N',
    default: '0',
    min: 0,
    max: 1_000_000,
    help: 'stop after N messages (0: until Ctrl-C)',
  },
  settingOf(PULSE_SETTINGS, 'amqp-url'),
  settingOf(PULSE_SETTINGS, 'allow-insecure-amqp'),
] as const satisfies readonly SettingSpec[];

const PATTERN = settingOf(LISTEN_SETTINGS, 'pattern');
const COUNT = settingOf(LISTEN_SETTINGS, 'count');

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

${optionsHelp(LISTEN_SETTINGS)}`,
  options: parseOptions(LISTEN_SETTINGS),
  async run(values, env) {
    const pulse = readPulseSettings(commandSettings(values, PULSE_FLAGS, env));
    const exchange = values.dotted ? pulse.exchanges.dotted : pulse.exchanges.original[0];
    if (exchange === undefined)
      throw new UsageError('--dotted: the dotted exchange is off (PULSE_EXCHANGE_DOTTED)');
    await listen({
      amqpUrl: pulse.amqpUrl,
      exchange,
      patterns: values.pattern ?? [PATTERN.default],
      count: flagIntegerOf(COUNT, values.count),
      print: (line) => console.log(line),
      stopped: new Promise((resolve) => process.once('SIGINT', () => resolve())),
      onReady: () => console.error('listening; Ctrl-C to stop'),
    });
    return 0;
  },
});
