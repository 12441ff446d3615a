/**
 * Every metric the deployables emit, by the service that emits it: one style (PascalCase, a count
 * per name unless it is one of GAUGES), one list. The Lambdas publish them as CloudWatch EMF in the
 * namespace below with the service as dimension; the local stack keeps them in memory for /healthz.
 * Dashboards and alarms name metrics from here, and a template test checks they name nothing else.
 */
export const METRIC_NAMESPACE = 'GithubWebhooks';

export const METRICS = {
  ingestion: [
    'Received',
    'AcceptedPublic',
    'AcceptedPrivate',
    'RejectedUnsupportedMediaType',
    'RejectedInvalidHeader',
    'RejectedPayloadTooLarge',
    // A body arriving slower than the minimum rate, ended by the local server (node:http adapter).
    'RejectedSlowBody',
    'RejectedInvalidSignature',
    'RejectedMalformedPayload',
    'SecretsUnavailable',
    'SecretRefused',
    'DownstreamFailed',
    'StoredByReference',
    'Archived',
    'PublishedAll',
    'PublishedPublic',
    // An allowlisted event of a public repository judged private by what is deeper in its payload
    // (DRIFT_REASONS): one per reason, alarmed together (services/ingestion/src/drift.ts).
    'PrivatizedShapeMismatch',
    'PrivatizedUnknownAction',
    'PrivatizedPrivateRepositoryReferenced',
  ],
  'pulse-republisher': [
    'Published',
    'PublishFailed',
    'RefusedPrivate',
    'BadMessage',
    'BrokerUnavailable',
    // Published before within the ledger's window (a redelivery, a retried batch): not published again.
    'Deduplicated',
    // The publish ledger (DynamoDB) could not be read or written: published without it (a repeat possible).
    'LedgerUnavailable',
    // An SNS control message in the queue (a SubscriptionConfirmation someone had sent to it, an
    // UnsubscribeConfirmation, an envelope without a record): logged, counted, never dead-lettered.
    'ControlMessageIgnored',
  ],
  'archive-compactor': [
    'HoursCompacted',
    'RecordsWritten',
    'NewRecords',
    'DuplicatesDropped',
    'Quarantined',
    'RawObjectsDeleted',
    'RawObjectsTagged',
    // A gauge (GAUGES): the age of the oldest raw object left (0: none); plot its Maximum.
    'OldestRawAgeSeconds',
  ],
  'delivery-reconciler': [
    'AttemptsRead',
    'Redelivered',
    'Waiting',
    'GaveUp',
    'Expiring',
    'MissingFromArchive',
    'RunIncomplete',
    'ApiCalls',
  ],
} as const;

export type ServiceName = keyof typeof METRICS;
export type MetricOf<S extends ServiceName> = (typeof METRICS)[S][number];
export type MetricName = MetricOf<ServiceName>;

/** The metrics that are a value at one moment, in seconds (CloudWatch unit Seconds), not a count. */
export const GAUGES = ['OldestRawAgeSeconds'] as const;
export type GaugeName = (typeof GAUGES)[number];

export interface Metrics<Name extends string = MetricName> {
  count(name: Exclude<Name, GaugeName>, value?: number): void;
  /** The gauge's value now, replacing the one before. */
  gauge(name: Extract<Name, GaugeName>, seconds: number): void;
}

export const noMetrics: Metrics<never> & Metrics<string> = { count: () => undefined, gauge: () => undefined };

/** Counters and gauges kept in memory (the local stack shows them in /healthz). */
export class CounterMetrics<Name extends string = MetricName> implements Metrics<Name> {
  readonly counts: Partial<Record<Name, number>> = {};
  count = (name: Exclude<Name, GaugeName>, value = 1): void => {
    this.counts[name] = (this.counts[name] ?? 0) + value;
  };
  gauge = (name: Extract<Name, GaugeName>, seconds: number): void => {
    this.counts[name] = seconds;
  };
}
