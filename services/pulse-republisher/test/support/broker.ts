import type { TcpProxy } from '@github-webhooks/fixtures';
import { type Channel, type ChannelModel, connect, type GetMessage } from 'amqplib';

export const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/** Host and port of the real broker, for the proxy to forward to. */
export function brokerAddress(): { host: string; port: number } {
  const url = new URL(AMQP_URL);
  return { host: url.hostname, port: Number(url.port || 5672) };
}

/** AMQP_URL pointed at the proxy (same user, password, vhost), optionally with another password. */
export function urlVia(proxy: TcpProxy | { port: number }, options: { password?: string } = {}): string {
  const url = new URL(AMQP_URL);
  url.hostname = '127.0.0.1';
  url.port = String(proxy.port);
  if (options.password !== undefined) url.password = options.password;
  return url.toString();
}

/** AMQP_URL with a wrong password: the broker answers ACCESS_REFUSED. */
export function urlWithWrongPassword(): string {
  const url = new URL(AMQP_URL);
  url.password = `wrong-${Date.now()}`;
  return url.toString();
}

let sequence = 0;
/** Names no concurrent suite uses; everything made with them is deleted in `close`. */
export const uniqueName = (label: string): string =>
  `exchange/pulse-republisher-test/${label}/${process.pid}-${Date.now().toString(36)}-${sequence++}`;

export interface Binding {
  readonly exchange: string;
  readonly pattern: string;
}

/** A direct connection to the real broker (not through any proxy) to set up and read what was published. */
export class TestBroker {
  private readonly exchanges = new Set<string>();
  private readonly queues = new Set<string>();

  private constructor(
    private readonly model: ChannelModel,
    readonly channel: Channel,
  ) {}

  static async open(): Promise<TestBroker> {
    const model = await connect(AMQP_URL, { noDelay: true });
    const channel = await model.createChannel();
    return new TestBroker(model, channel);
  }

  /** A topic exchange as the publisher declares it (durable), deleted at the end. */
  async exchange(label: string): Promise<string> {
    const name = uniqueName(label);
    await this.channel.assertExchange(name, 'topic', { durable: true });
    this.exchanges.add(name);
    return name;
  }

  /** Deleted at the end even when it was created by the code under test. */
  track(exchange: string): void {
    this.exchanges.add(exchange);
  }

  async queue(bindings: readonly Binding[], options: { maxLength?: number; rejectPublish?: boolean } = {}) {
    const name = uniqueName('queue').replace(/^exchange\//, 'queue/');
    await this.channel.assertQueue(name, {
      durable: false,
      ...(options.maxLength === undefined ? {} : { maxLength: options.maxLength }),
      ...(options.rejectPublish ? { arguments: { 'x-overflow': 'reject-publish' } } : {}),
    });
    this.queues.add(name);
    for (const { exchange, pattern } of bindings) await this.channel.bindQueue(name, exchange, pattern);
    return name;
  }

  /** Every message now in the queue, in order, acknowledged. */
  async drain(queue: string): Promise<GetMessage[]> {
    const messages: GetMessage[] = [];
    for (;;) {
      const message = await this.channel.get(queue, { noAck: true });
      if (message === false) return messages;
      messages.push(message);
    }
  }

  async close(): Promise<void> {
    for (const queue of this.queues) await this.channel.deleteQueue(queue).catch(() => undefined);
    for (const exchange of this.exchanges) await this.channel.deleteExchange(exchange).catch(() => undefined);
    await this.model.close();
  }
}
