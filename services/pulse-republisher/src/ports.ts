/**
 * What the republisher needs from the outside world, as small interfaces. The Lambda wires
 * amqplib, S3 and Powertools; the local stack wires the same publisher, a directory and stdout.
 */
import type { ObjectStore } from '@github-webhooks/object-store';

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
}

/** Where payloads stored by reference (`payloads/<GUID>.json.gz`) are read from. */
export type PayloadSource = Pick<ObjectStore, 'readAll'>;

export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export const METRIC_NAMES = [
  'published',
  'failed',
  'refused_private',
  'bad_message',
  'broker_unavailable',
] as const;

export type MetricName = (typeof METRIC_NAMES)[number];

export interface Metrics {
  count(name: MetricName, value?: number): void;
}
