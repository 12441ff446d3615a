import { type Link, openLink, type PublisherObserver } from './connection';
import {
  BrokerUnavailableError,
  ConfirmTimeoutError,
  ConnectionLostError,
  PublisherClosedError,
  PublishNackedError,
} from './errors';
import type { MessagePublisher, OutgoingMessage } from './message';
import { Window } from './window';

export interface BrokerUrlRequest {
  /** True after the broker refused the credentials: re-read them, they may have been rotated. */
  readonly refresh: boolean;
}

/** The AMQP URL, or a function read on every connect (e.g. SSM, cached by the caller). */
export type BrokerUrlSource = string | ((request: BrokerUrlRequest) => Promise<string>);

export interface AmqpPublisherOptions {
  readonly url: BrokerUrlSource;
  /** Asserted (topic, durable) on each new connection; empty when they are managed elsewhere. */
  readonly exchanges?: readonly string[];
  /** Most publishes awaiting a confirm at once. Default 32. */
  readonly window?: number;
  /** Default 10 s. A confirm that does not come in time fails the publish and drops the connection. */
  readonly confirmTimeoutMs?: number;
  /** TCP + TLS + AMQP handshake. Default 5 s. */
  readonly connectTimeoutMs?: number;
  /** Publishes retried on a fresh connection when the old one died under them. Default 1. */
  readonly retriesOnConnectionLoss?: number;
  /** Shown in the broker's management UI. */
  readonly connectionName?: string;
  readonly contentType?: string;
  readonly observer?: PublisherObserver;
}

/**
 * Publishes with publisher confirms over one connection, opened on first use, kept across calls
 * (Lambda invocations) and reopened after it fails. Each publish resolves when the broker confirms
 * it; up to `window` publishes are in flight at once. Messages are persistent. Independent of Lambda.
 */
export class AmqpPublisher implements MessagePublisher {
  private readonly window: Window;
  private readonly confirmTimeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly retries: number;
  private readonly observer: PublisherObserver;
  private readonly contentType: string;
  private current: Link | undefined;
  private opening: Promise<Link> | undefined;
  private refreshUrl = false;
  private closed = false;
  /** Failed connect attempts so far, and the last one's error. */
  private connectFailures = 0;
  private lastConnectError: BrokerUnavailableError | undefined;

  constructor(private readonly options: AmqpPublisherOptions) {
    this.window = new Window(options.window ?? 32);
    this.confirmTimeoutMs = options.confirmTimeoutMs ?? 10_000;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
    this.retries = options.retriesOnConnectionLoss ?? 1;
    this.observer = options.observer ?? {};
    this.contentType = options.contentType ?? 'application/json';
  }

  /** Publishes awaiting their confirm (or a free slot in the window) right now. */
  get inFlight(): number {
    return this.window.inUse;
  }

  publish(message: OutgoingMessage): Promise<void> {
    return this.publishSince(message, this.connectFailures);
  }

  /** Publishes of one batch: the connect failures they have seen are counted from its start. */
  batch(): MessagePublisher {
    const failuresSeen = this.connectFailures;
    return { publish: (message) => this.publishSince(message, failuresSeen) };
  }

  private async publishSince(message: OutgoingMessage, failuresSeen: number): Promise<void> {
    if (this.closed) throw new PublisherClosedError('the publisher is closed');
    await this.window.acquire();
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          return await this.publishOnce(message, failuresSeen);
        } catch (error) {
          // Only a connection that died under the message is worth a second try now; a duplicate
          // is possible (the broker may have it), a gap is not.
          if (!(error instanceof ConnectionLostError) || attempt >= this.retries) throw error;
        }
      }
    } finally {
      this.window.release();
    }
  }

  /** Closes the connection; publishes still awaiting a confirm fail with ConnectionLostError. */
  async close(): Promise<void> {
    this.closed = true;
    const link = this.current ?? (await this.opening?.catch(() => undefined));
    this.current = undefined;
    if (link === undefined || link.state.lost) return;
    link.state.lost = true;
    await link.model.close().catch(() => undefined);
  }

  private publishOnce(message: OutgoingMessage, failuresSeen: number): Promise<void> {
    const current = this.current;
    // Fast path: the connection is up, publish now rather than a promise hop later.
    if (current !== undefined && !current.state.lost) return this.publishOn(current, message);
    return this.link(failuresSeen).then((link) => this.publishOn(link, message));
  }

  private publishOn(link: Link, message: OutgoingMessage): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (error?: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      const timer = setTimeout(() => {
        const error = new ConfirmTimeoutError(
          `no confirm from ${link.broker} within ${this.confirmTimeoutMs} ms`,
        );
        settle(error);
        // The broker may be blocked or the socket dead: the next publish starts afresh.
        this.lose(link, error);
      }, this.confirmTimeoutMs);
      try {
        link.channel.publish(
          message.exchange,
          message.routingKey,
          message.body,
          {
            persistent: true,
            contentType: this.contentType,
            messageId: message.messageId,
            timestamp: Math.floor(message.timestamp.getTime() / 1000),
            ...(message.headers === undefined ? {} : { headers: message.headers }),
          },
          (error: unknown) => settle(error == null ? undefined : this.publishFailure(error, link)),
        );
      } catch (cause) {
        settle(
          new ConnectionLostError(`the channel to ${link.broker} is closed`, {
            cause: link.state.failure ?? cause,
          }),
        );
      }
    });
  }

  private publishFailure(error: unknown, link: Link): Error {
    if ((error as { message?: unknown }).message === 'message nacked') {
      return new PublishNackedError(`the broker at ${link.broker} refused the message (nack)`);
    }
    return new ConnectionLostError(`the connection to ${link.broker} closed before the confirm`, {
      cause: link.state.failure ?? error,
    });
  }

  /**
   * The open connection, or the one being opened (shared by every publish waiting for it). A publish
   * that saw a connect attempt fail since it was called gets that failure instead of a new attempt,
   * so a batch meets an outage once, not once per message; later publishes try again.
   */
  private link(failuresSeen: number): Promise<Link> {
    if (this.closed) return Promise.reject(new PublisherClosedError('the publisher is closed'));
    if (this.current !== undefined && !this.current.state.lost) return Promise.resolve(this.current);
    if (this.opening === undefined && this.connectFailures > failuresSeen && this.lastConnectError) {
      return Promise.reject(this.lastConnectError);
    }
    if (this.opening === undefined) {
      this.opening = this.open().then(
        (link) => {
          this.opening = undefined;
          this.current = link;
          return link;
        },
        (error: unknown) => {
          this.opening = undefined;
          throw error;
        },
      );
    }
    return this.opening;
  }

  private async open(): Promise<Link> {
    const url = await this.resolveUrl();
    try {
      const link = await openLink(url, {
        connectionName: this.options.connectionName ?? 'github-webhooks-pulse-republisher',
        timeoutMs: this.connectTimeoutMs,
        exchanges: this.options.exchanges ?? [],
        observer: this.observer,
        onLost: (lost, error) => this.lose(lost, error),
      });
      this.observer.connected?.({ broker: link.broker });
      return link;
    } catch (error) {
      if (!(error instanceof BrokerUnavailableError)) throw error;
      if (error.reason === 'access_refused') this.refreshUrl = true;
      throw this.connectFailed(error);
    }
  }

  private async resolveUrl(): Promise<string> {
    const source = this.options.url;
    if (typeof source === 'string') return source;
    try {
      const url = await source({ refresh: this.refreshUrl });
      this.refreshUrl = false;
      return url;
    } catch (cause) {
      throw this.connectFailed(
        new BrokerUnavailableError('url_unavailable', '(unknown broker)', 'cannot obtain the AMQP URL', {
          cause,
        }),
      );
    }
  }

  private connectFailed(error: BrokerUnavailableError): BrokerUnavailableError {
    this.connectFailures++;
    this.lastConnectError = error;
    this.observer.connectFailed?.(error);
    return error;
  }

  private lose(link: Link, error: unknown): void {
    if (link.state.lost) return;
    link.state.lost = true;
    link.state.failure ??= error;
    if (this.current === link) this.current = undefined;
    if (!this.closed) this.observer.connectionLost?.({ broker: link.broker, error: link.state.failure });
    link.model.close().catch(() => undefined);
  }
}
