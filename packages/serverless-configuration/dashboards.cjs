// One CloudWatch dashboard per stack, `github-webhooks-<stage>-<service>`: each stack deploys alone
// and its dashboard shows what it owns (its metrics, its resources, its alarms with their state),
// so no stack depends on another's names. serverless.yml takes the body from here:
//   DashboardBody: ${file(../../packages/serverless-configuration/dashboards.cjs):ingestion}
// The metric names in the namespace (shared.yml's metrics.namespace) must be ones the code emits: the
// stacks' template tests check every widget against METRICS (packages/runtime/src/metrics.ts).
'use strict';

const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { parse } = require('yaml');

// The namespace where the stacks take it from (shared.yml), so it is written once.
const NAMESPACE = parse(readFileSync(join(__dirname, 'shared.yml'), 'utf8')).metrics.namespace;
const PERIOD = 60;
// Placeholders for CloudFormation values, replaced by Fn::Join parts once the body is JSON.
const ref = (name) => `@@Ref:${name}@@`;
const att = (name, attribute) => `@@GetAtt:${name}.${attribute}@@`;
const REGION = '@@Ref:AWS::Region@@';

const own = (service, names, stat = 'Sum') => names.map((n) => [NAMESPACE, n, 'service', service, { stat }]);

function metricWidget(title, metrics, { x, y, width = 12, height = 6, stat = 'Sum' } = {}) {
  return {
    type: 'metric',
    x,
    y,
    width,
    height,
    properties: { title, region: REGION, period: PERIOD, stat, view: 'timeSeries', stacked: false, metrics },
  };
}

function alarmWidget(alarms, y) {
  return {
    type: 'alarm',
    x: 0,
    y,
    width: 24,
    height: 3,
    properties: {
      title: 'Alarms',
      alarms: alarms.map((a) => att(a, 'Arn')),
      sortBy: 'stateUpdatedTimestamp',
    },
  };
}

/** The dashboard's widgets: rows of two, the alarms last. */
function layout(rows, alarms) {
  const widgets = [];
  rows.forEach((row, i) => {
    row.forEach((widget, j) => {
      widgets.push(metricWidget(widget.title, widget.metrics, { x: j * 12, y: i * 6, stat: widget.stat }));
    });
  });
  widgets.push(alarmWidget(alarms, rows.length * 6));
  return { widgets };
}

const DASHBOARDS = {
  ingestion: () =>
    layout(
      [
        [
          {
            title: 'Deliveries received, accepted public / private',
            metrics: own('ingestion', ['Received', 'AcceptedPublic', 'AcceptedPrivate']),
          },
          {
            title: 'Rejected, by reason',
            metrics: own('ingestion', [
              'RejectedInvalidSignature',
              'RejectedUnsupportedMediaType',
              'RejectedPayloadTooLarge',
              'RejectedMalformedPayload',
              'RejectedInvalidHeader',
            ]),
          },
        ],
        [
          {
            title: '5xx answered to GitHub (nothing acknowledged: the reconciler redelivers)',
            metrics: [
              ['AWS/ApiGateway', '5xx', 'ApiId', ref('HttpApi'), { stat: 'Sum' }],
              ...own('ingestion', ['DownstreamFailed', 'SecretsUnavailable']),
            ],
          },
          {
            title: 'Published to the topics; SNS deliveries to subscribers failed',
            metrics: [
              ...own('ingestion', ['PublishedAll', 'PublishedPublic', 'StoredByReference']),
              [
                'AWS/SNS',
                'NumberOfNotificationsFailed',
                'TopicName',
                att('AllTopic', 'TopicName'),
                { stat: 'Sum' },
              ],
              [
                'AWS/SNS',
                'NumberOfNotificationsFailed',
                'TopicName',
                att('PublicTopic', 'TopicName'),
                { stat: 'Sum' },
              ],
            ],
          },
        ],
        [
          {
            title: 'Firehose: oldest record not yet in S3 (s)',
            stat: 'Maximum',
            metrics: [
              [
                'AWS/Firehose',
                'DeliveryToS3.DataFreshness',
                'DeliveryStreamName',
                ref('ArchiveStream'),
                { stat: 'Maximum' },
              ],
            ],
          },
          {
            title: 'Firehose: S3 deliveries succeeded (ratio)',
            stat: 'Average',
            metrics: [
              [
                'AWS/Firehose',
                'DeliveryToS3.Success',
                'DeliveryStreamName',
                ref('ArchiveStream'),
                { stat: 'Average' },
              ],
            ],
          },
        ],
        [
          {
            title: 'Allowlisted, public repository, judged private (drift?), by reason',
            metrics: own('ingestion', [
              'PrivatizedUnknownAction',
              'PrivatizedShapeMismatch',
              'PrivatizedPrivateRepositoryReferenced',
            ]),
          },
        ],
      ],
      ['FirehoseFreshnessAlarm', 'SecretRefusedAlarm', 'PrivacyDriftAlarm'],
    ),
  'pulse-republisher': () => {
    const queue = (name, metric, stat) => ['AWS/SQS', metric, 'QueueName', att(name, 'QueueName'), { stat }];
    return layout(
      [
        [
          {
            title: 'Published to Pulse / deduplicated (published before) / failed',
            metrics: own('pulse-republisher', [
              'Published',
              'Deduplicated',
              'PublishFailed',
              'BrokerUnavailable',
            ]),
          },
          {
            title: 'Refused (private, bad message) / SNS control messages ignored',
            metrics: own('pulse-republisher', ['RefusedPrivate', 'BadMessage', 'ControlMessageIgnored']),
          },
        ],
        [
          {
            title: 'Queue and dead-letter queues: depth',
            stat: 'Maximum',
            metrics: [
              queue('RepublishQueue', 'ApproximateNumberOfMessagesVisible', 'Maximum'),
              queue('RepublishDeadLetterQueue', 'ApproximateNumberOfMessagesVisible', 'Maximum'),
              queue('SubscriptionDeadLetterQueue', 'ApproximateNumberOfMessagesVisible', 'Maximum'),
            ],
          },
          {
            title: 'Queue and dead-letter queue: age of the oldest message (s)',
            stat: 'Maximum',
            metrics: [
              queue('RepublishQueue', 'ApproximateAgeOfOldestMessage', 'Maximum'),
              queue('RepublishDeadLetterQueue', 'ApproximateAgeOfOldestMessage', 'Maximum'),
            ],
          },
        ],
        [
          {
            title: 'Publish ledger: unavailable (published without it, a repeat possible)',
            metrics: own('pulse-republisher', ['LedgerUnavailable']),
          },
          {
            title: 'Publish ledger table: consumed write / read units',
            metrics: [
              [
                'AWS/DynamoDB',
                'ConsumedWriteCapacityUnits',
                'TableName',
                ref('PublishLedgerTable'),
                { stat: 'Sum' },
              ],
              [
                'AWS/DynamoDB',
                'ConsumedReadCapacityUnits',
                'TableName',
                ref('PublishLedgerTable'),
                { stat: 'Sum' },
              ],
            ],
          },
        ],
      ],
      ['DeadLetterQueueAlarm', 'SubscriptionDeadLetterQueueAlarm', 'QueueBacklogAlarm', 'PublishLedgerAlarm'],
    );
  },
  'archive-compactor': () =>
    layout(
      [
        [
          {
            title: 'Hours compacted, records written, quarantined',
            metrics: own('archive-compactor', ['HoursCompacted', 'RecordsWritten', 'Quarantined']),
          },
          {
            title: 'Oldest raw object not yet compacted (s)',
            stat: 'Maximum',
            metrics: own('archive-compactor', ['OldestRawAgeSeconds'], 'Maximum'),
          },
        ],
      ],
      ['CompactorErrorsAlarm', 'QuarantineAlarm'],
    ),
  'delivery-reconciler': () =>
    layout(
      [
        [
          {
            title: 'Redelivered, waiting',
            metrics: own('delivery-reconciler', ['Redelivered', 'Waiting', 'MissingFromArchive']),
          },
          {
            title: 'Gave up, expiring (need a person)',
            metrics: own('delivery-reconciler', ['GaveUp', 'Expiring', 'RunIncomplete']),
          },
        ],
      ],
      ['ReconcilerGaveUpAlarm', 'ReconcilerErrorsAlarm'],
    ),
};

/** The body as CloudFormation takes it: a JSON string, its placeholders as Ref / GetAtt parts. */
function toJoin(body) {
  const text = JSON.stringify(body);
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(/@@(Ref|GetAtt):([^@]+)@@/g)) {
    parts.push(text.slice(last, match.index));
    const [kind, target] = [match[1], match[2]];
    parts.push(kind === 'Ref' ? { Ref: target } : { 'Fn::GetAtt': target.split('.') });
    last = match.index + match[0].length;
  }
  parts.push(text.slice(last));
  return { 'Fn::Join': ['', parts.filter((p) => p !== '')] };
}

module.exports = {
  NAMESPACE,
  dashboardBody: (service) => DASHBOARDS[service](),
  ...Object.fromEntries(
    Object.keys(DASHBOARDS).map((service) => [service, () => toJoin(DASHBOARDS[service]())]),
  ),
};
