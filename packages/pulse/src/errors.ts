/** The AMQP URL is unusable: it names where it came from, never the URL itself (it holds a password). */
export class BrokerUrlError extends Error {
  override readonly name = 'BrokerUrlError';
}

/** Why no connection to the broker could be had. */
export type BrokerFailureReason =
  /** Credentials or vhost refused (ACCESS_REFUSED 403, NOT_ALLOWED 530). */
  | 'access_refused'
  /** Connection refused, DNS, TLS or timeout: the broker could not be reached. */
  | 'unreachable'
  /** The AMQP URL could not be read (SSM) or is not acceptable (e.g. not amqps://). */
  | 'url_unavailable'
  /** Connected, but the channel or the exchanges could not be set up. */
  | 'setup_failed';

export class BrokerUnavailableError extends Error {
  override readonly name = 'BrokerUnavailableError';
  constructor(
    readonly reason: BrokerFailureReason,
    /** The broker without credentials, e.g. `amqps://host:5671/vhost`. */
    readonly broker: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The connection or channel closed before the broker confirmed: the message may or may not be there. */
export class ConnectionLostError extends Error {
  override readonly name = 'ConnectionLostError';
}

/** The broker refused the message (basic.nack), e.g. a queue at its length limit rejecting publishes. */
export class PublishNackedError extends Error {
  override readonly name = 'PublishNackedError';
}

export class ConfirmTimeoutError extends Error {
  override readonly name = 'ConfirmTimeoutError';
}

export class PublisherClosedError extends Error {
  override readonly name = 'PublisherClosedError';
}
