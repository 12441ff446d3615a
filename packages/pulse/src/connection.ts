import { type ChannelModel, type ConfirmChannel, connect } from 'amqplib';
import { connectFailureReason, describeBroker } from './broker-url';
import { coalesceFrameWrites } from './coalesce-writes';
import { BrokerUnavailableError } from './errors';

/** Connection life events, for logs and metrics. `broker` never holds credentials. */
export interface PublisherObserver {
  connected?(event: { readonly broker: string }): void;
  connectFailed?(error: BrokerUnavailableError): void;
  connectionLost?(event: { readonly broker: string; readonly error: unknown }): void;
  blocked?(event: { readonly broker: string; readonly reason: string }): void;
  unblocked?(event: { readonly broker: string }): void;
}

/** One connection and its confirm channel. */
export interface Link {
  readonly model: ChannelModel;
  readonly channel: ConfirmChannel;
  readonly broker: string;
  /** Set once the connection or its channel closed (or was given up): never publish on it again. */
  readonly state: { lost: boolean; failure: unknown };
}

export interface LinkOptions {
  /** Shown in the broker's management UI. */
  readonly connectionName: string;
  /** TCP + TLS + AMQP handshake. */
  readonly timeoutMs: number;
  /** Asserted (topic, durable) once the channel is open. */
  readonly exchanges: readonly string[];
  readonly observer: PublisherObserver;
  /** The connection or its channel closed after it was set up. */
  readonly onLost: (link: Link, error: unknown) => void;
}

/**
 * Connects, opens one confirm channel and asserts the exchanges. Throws BrokerUnavailableError
 * saying why not: credentials or vhost refused, broker unreachable, or the set-up failed.
 */
export async function openLink(url: string, options: LinkOptions): Promise<Link> {
  const broker = describeBroker(url);
  let model: ChannelModel;
  try {
    model = await connect(url, {
      noDelay: true, // without it Nagle holds each small publish frame ~40 ms
      timeout: options.timeoutMs,
      clientProperties: { connection_name: options.connectionName },
    });
  } catch (cause) {
    const reason = connectFailureReason(cause);
    const text =
      reason === 'access_refused'
        ? `the broker at ${broker} refused the credentials or vhost (ACCESS_REFUSED)`
        : `cannot reach the broker at ${broker}`;
    throw new BrokerUnavailableError(reason, broker, text, { cause });
  }
  coalesceFrameWrites(model);
  const state: Link['state'] = { lost: false, failure: undefined };
  let link: Link | undefined;
  const lost = (error: unknown): void => {
    if (link !== undefined) options.onLost(link, error);
    else {
      state.lost = true;
      state.failure ??= error;
    }
  };
  model.on('error', (error: unknown) => {
    state.failure ??= error;
  });
  model.on('close', lost);
  model.on('blocked', (reason: string) => options.observer.blocked?.({ broker, reason }));
  model.on('unblocked', () => options.observer.unblocked?.({ broker }));
  let channel: ConfirmChannel;
  try {
    channel = await model.createConfirmChannel();
    channel.on('error', (error: unknown) => {
      state.failure ??= error;
    });
    // One channel per connection: when it closes (e.g. a missing exchange), start afresh.
    channel.on('close', () => lost(state.failure));
    for (const exchange of options.exchanges)
      await channel.assertExchange(exchange, 'topic', { durable: true });
  } catch (cause) {
    state.lost = true;
    await model.close().catch(() => undefined);
    const reason = connectFailureReason(cause) === 'access_refused' ? 'access_refused' : 'setup_failed';
    throw new BrokerUnavailableError(reason, broker, `cannot set up the channel or exchanges on ${broker}`, {
      cause,
    });
  }
  link = { model, channel, broker, state };
  if (state.lost) {
    throw new BrokerUnavailableError(
      'unreachable',
      broker,
      `the connection to ${broker} closed during setup`,
      {
        cause: state.failure,
      },
    );
  }
  return link;
}
