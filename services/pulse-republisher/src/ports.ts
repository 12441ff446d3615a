/**
 * What the republisher needs from the outside world, as small interfaces. The Lambda wires
 * amqplib, S3 and Powertools; the local stack wires the same publisher, a directory and stdout.
 */

import type { ObjectStore } from '@github-webhooks/object-store';
import type { MessagePublisher } from '@github-webhooks/pulse';
import type { Logger, MetricOf, Metrics } from '@github-webhooks/runtime';

/** Where payloads stored by reference (`payloads/…`) are read from. */
export type PayloadSource = Pick<ObjectStore, 'readAll'>;

export type RepublisherMetric = MetricOf<'pulse-republisher'>;

/**
 * What was published to Pulse, kept for GitHub's redelivery window, so one delivery is one message:
 * a delivery GitHub redelivers (a late 202), a batch SQS hands over again, a relay that restarts
 * between the broker's confirm and its cursor. Keyed on the delivery's identity (deliveryKeyOf).
 * The Lambda's is Powertools' idempotency utility on DynamoDB; the local relay's a SQLite table
 * beside its cursor. Replays are never given one: they are meant to publish again.
 */
export interface PublishLedger {
  /**
   * Runs `publish` unless `key` was published within the window, then remembers it; `duplicate`
   * when it was not run. A `publish` that throws is not remembered (it will be retried). A crash
   * after `publish` and before the ledger's write repeats that message once: the bound left.
   */
  once(key: string, publish: () => Promise<void>): Promise<'published' | 'duplicate'>;
}

export interface RepublishPorts {
  readonly publisher: MessagePublisher;
  readonly payloads: PayloadSource;
  readonly logger: Logger;
  readonly metrics: Metrics<RepublisherMetric>;
  /** Absent: every message is published (replay; a republisher configured without one). */
  readonly ledger?: PublishLedger;
}
