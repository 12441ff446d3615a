import { describeError, type Logger } from '@github-webhooks/runtime';
import type { PublisherObserver } from './connection';

/**
 * Logs the broker connection's life and calls `onUnavailable` once per failed connect (a metric),
 * so an outage or a rotated password shows as one clear line and one count, not one per message.
 */
export function brokerObserver(
  logger: Logger,
  onUnavailable: () => void = () => undefined,
): PublisherObserver {
  return {
    connected: ({ broker }) => logger.info('connected to the broker', { broker }),
    connectFailed: (error) => {
      onUnavailable();
      const text =
        error.reason === 'access_refused'
          ? 'the broker refused the credentials (ACCESS_REFUSED): check the AMQP URL parameter'
          : error.reason === 'url_unavailable'
            ? 'cannot obtain a usable AMQP URL'
            : error.reason === 'setup_failed'
              ? 'connected, but cannot set up the channel or exchanges'
              : 'the broker is unreachable';
      logger.error(text, { broker: error.broker, reason: error.reason, error: describeError(error) });
    },
    connectionLost: ({ broker, error }) =>
      logger.warn('lost the broker connection; the next publish reconnects', {
        broker,
        ...(error === undefined ? {} : { error: describeError(error) }),
      }),
    blocked: ({ broker, reason }) => logger.warn('the broker blocked publishing', { broker, reason }),
    unblocked: ({ broker }) => logger.info('the broker unblocked publishing', { broker }),
  };
}

/** One observer that tells each of `observers` every event, in order (the logs and a state a deployable keeps). */
export function combineObservers(...observers: readonly PublisherObserver[]): PublisherObserver {
  return {
    connected: (event) => {
      for (const observer of observers) observer.connected?.(event);
    },
    connectFailed: (error) => {
      for (const observer of observers) observer.connectFailed?.(error);
    },
    connectionLost: (event) => {
      for (const observer of observers) observer.connectionLost?.(event);
    },
    blocked: (event) => {
      for (const observer of observers) observer.blocked?.(event);
    },
    unblocked: (event) => {
      for (const observer of observers) observer.unblocked?.(event);
    },
  };
}
