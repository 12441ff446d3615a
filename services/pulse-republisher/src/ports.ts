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

export interface RepublishPorts {
  readonly publisher: MessagePublisher;
  readonly payloads: PayloadSource;
  readonly logger: Logger;
  readonly metrics: Metrics<RepublisherMetric>;
}
