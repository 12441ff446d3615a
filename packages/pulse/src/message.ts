/** One AMQP message to publish and have confirmed by the broker. */
export interface OutgoingMessage {
  readonly exchange: string;
  readonly routingKey: string;
  readonly body: Buffer;
  /** The delivery GUID: lets consumers drop the duplicates at-least-once delivery can cause. */
  readonly messageId: string;
  /** Sent as the AMQP timestamp property, in whole seconds. */
  readonly timestamp: Date;
  /** AMQP headers, e.g. the replay marker; none for live deliveries. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Resolves once the broker has confirmed the message; rejects when it did not (or may not have). */
export interface MessagePublisher {
  publish(message: OutgoingMessage): Promise<void>;
  /**
   * A view for one batch of messages: once a connect attempt has failed, every later publish of
   * the batch gets that failure instead of a new attempt, so a batch meets an outage once however
   * its messages are spread in time. Optional: a publisher without it is used as it is.
   */
  batch?(): MessagePublisher;
}

/** Consumers can tell a replayed message from a live one by this AMQP header (value `true`). */
export const REPLAY_HEADER = 'x-github-webhooks-replay';
