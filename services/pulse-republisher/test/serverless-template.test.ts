import {
  asArray,
  PARTITION,
  PackagedTemplate,
  STATEFUL_TYPES,
  type CfnStatement as Statement,
} from '@github-webhooks/fixtures';
import { METRIC_NAMESPACE, METRICS } from '@github-webhooks/runtime';

describe('serverless.yml (generated CloudFormation)', () => {
  const template = PackagedTemplate.of(`${__dirname}/..`);
  const resources = template.resources;
  const ofType = (type: string) => template.ofType(type);
  const resource = (name: string) => template.resource(name);
  const roleStatements = (): Statement[] => template.roleStatements();
  const withAction = (prefix: string): Statement[] =>
    roleStatements().filter((s) => asArray(s.Action).some((action) => action.startsWith(prefix)));

  it('keeps the logical IDs of its stateful resources, so a deploy onto a live stage changes code, not data', () => {
    // The publish ledger's table too (a renamed table would be a new, empty one: every delivery of
    // the window published again).
    expect(template.logicalIds([...STATEFUL_TYPES, 'AWS::DynamoDB::Table'])).toEqual([
      'Dashboard',
      'DeadLetterQueueAlarm',
      'PublicTopicSubscription',
      'PublishLedgerAlarm',
      'PublishLedgerTable',
      'QueueBacklogAlarm',
      'RepublishDeadLetterQueue',
      'RepublishLogGroup',
      'RepublishQueue',
      'ServerlessDeploymentBucket',
      'SubscriptionDeadLetterQueue',
      'SubscriptionDeadLetterQueueAlarm',
    ]);
  });

  it('keeps what SNS cannot deliver to the queue in a dead-letter queue of the subscription, alarmed', () => {
    expect(resource('PublicTopicSubscription').Properties.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': ['SubscriptionDeadLetterQueue', 'Arn'] },
    });
    expect(resource('SubscriptionDeadLetterQueueAlarm').Properties).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': ['SubscriptionDeadLetterQueue', 'QueueName'] } },
      ],
      Threshold: 0,
    });
  });

  it('has the queue, its dead-letter queue, the subscription, the alarm and the function', () => {
    for (const name of [
      'RepublishQueue',
      'RepublishDeadLetterQueue',
      'RepublishQueuePolicy',
      'PublicTopicSubscription',
      'DeadLetterQueueAlarm',
      'RepublishLambdaFunction',
    ]) {
      expect(resources[name]).toBeDefined();
    }
    // The queue, its dead-letter queue, and the subscription's dead-letter queue.
    expect(ofType('AWS::SQS::Queue')).toHaveLength(3);
  });

  it('encrypts both queues and redrives to the dead-letter queue after a few receives', () => {
    for (const [, queue] of ofType('AWS::SQS::Queue'))
      expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    const redrive = resource('RepublishQueue').Properties.RedrivePolicy as Record<string, unknown>;
    expect(redrive.deadLetterTargetArn).toEqual({ 'Fn::GetAtt': ['RepublishDeadLetterQueue', 'Arn'] });
    expect(redrive.maxReceiveCount).toBeGreaterThanOrEqual(2);
    expect(redrive.maxReceiveCount).toBeLessThanOrEqual(10);
    const timeout = resource('RepublishLambdaFunction').Properties.Timeout as number;
    expect(resource('RepublishQueue').Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * timeout);
  });

  it('subscribes the queue to the public topic with raw delivery, and lets only that topic send', () => {
    const topic = 'arn:aws:sns:us-east-1:000000000000:github-webhooks-public-placeholder';
    expect(resource('PublicTopicSubscription').Properties).toEqual({
      TopicArn: topic,
      Protocol: 'sqs',
      Endpoint: { 'Fn::GetAtt': ['RepublishQueue', 'Arn'] },
      RawMessageDelivery: true,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['SubscriptionDeadLetterQueue', 'Arn'] } },
    });
    const policy = resource('RepublishQueuePolicy').Properties;
    expect(policy.Queues).toEqual([{ Ref: 'RepublishQueue' }, { Ref: 'SubscriptionDeadLetterQueue' }]);
    expect((policy.PolicyDocument as { Statement: Statement[] }).Statement).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: [
          { 'Fn::GetAtt': ['RepublishQueue', 'Arn'] },
          { 'Fn::GetAtt': ['SubscriptionDeadLetterQueue', 'Arn'] },
        ],
        Condition: { ArnEquals: { 'aws:SourceArn': topic } },
      }),
    ]);
  });

  it('consumes the queue in batches with partial batch failures', () => {
    const [[, mapping] = []] = ofType('AWS::Lambda::EventSourceMapping');
    expect(mapping?.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': ['RepublishQueue', 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: expect.any(Number),
    });
  });

  it('alarms as soon as a message is in the dead-letter queue', () => {
    expect(resource('DeadLetterQueueAlarm').Properties).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['RepublishDeadLetterQueue', 'QueueName'] } }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('runs outside any VPC (Node 24 on arm64 as every stack), configured by name, never by secret', () => {
    const fn = resource('RepublishLambdaFunction').Properties;
    expect(fn.VpcConfig).toBeUndefined();
    const variables = (fn.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables).toMatchObject({
      AMQP_URL_PARAMETER: '/github-webhooks/dev/pulse-amqp-url',
      ARCHIVE_BUCKET: 'github-webhooks-archive-placeholder',
      PULSE_EXCHANGE: 'exchange/github-webhooks/v1',
      PULSE_EXCHANGE_DOTTED: 'exchange/github-webhooks/v3',
      PUBLISH_LEDGER_TABLE: { Ref: 'PublishLedgerTable' },
      // GitHub's redelivery window on github.com (the `dedupWindowSeconds` param; 604800 on GHES).
      DEDUP_WINDOW_SECONDS: '259200',
    });
    expect(JSON.stringify(variables)).not.toMatch(/amqps?:\/\//);
  });

  it('reads only payload objects, only its one parameter, only its queue', () => {
    const bucket = `arn:${PARTITION}:s3:::github-webhooks-archive-placeholder`;
    expect(withAction('s3:')).toEqual([
      { Effect: 'Allow', Action: ['s3:GetObject'], Resource: { 'Fn::Sub': `${bucket}/payloads/*` } },
      // Listing payloads/ only: a missing payload is then a 404 (a bad message), not a 403 (retried).
      {
        Effect: 'Allow',
        Action: ['s3:ListBucket'],
        Resource: { 'Fn::Sub': bucket },
        Condition: { StringLike: { 's3:prefix': ['payloads/*'] } },
      },
    ]);
    const ssm = withAction('ssm:');
    expect(ssm.map((s) => s.Action)).toEqual([['ssm:GetParameter']]);
    const parts =
      (ssm[0]?.Resource as { 'Fn::Join': [string, unknown[]] } | undefined)?.['Fn::Join'][1] ?? [];
    expect(parts.at(-1)).toBe(':parameter/github-webhooks/dev/pulse-amqp-url');
    for (const s of withAction('sqs:'))
      expect(s.Resource).toEqual([{ 'Fn::GetAtt': ['RepublishQueue', 'Arn'] }]);
    const services = new Set(roleStatements().flatMap((s) => asArray(s.Action).map((a) => a.split(':')[0])));
    expect([...services].sort()).toEqual(['dynamodb', 'logs', 's3', 'sqs', 'ssm']);
  });

  it('reads and writes the publish ledger item by item, on its table only', () => {
    // What Powertools' idempotency calls (a conditional PutItem, GetItem, UpdateItem, DeleteItem);
    // no Query, no Scan, no batch, no other table.
    expect(withAction('dynamodb:')).toEqual([
      {
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
        Resource: { 'Fn::GetAtt': ['PublishLedgerTable', 'Arn'] },
      },
    ]);
    expect(ofType('AWS::DynamoDB::Table')).toHaveLength(1);
  });

  it('keeps the publish ledger in a table as Powertools expects it: key id, TTL on expiration, on demand, PITR, SSE', () => {
    const table = resource('PublishLedgerTable');
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
    expect(table.Properties).toEqual({
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
    // CloudFormation names it (a retained table would block a redeploy under a fixed name).
    expect(table.Properties.TableName).toBeUndefined();
    expect(template.outputs.PublishLedgerTableName?.Value).toEqual({ Ref: 'PublishLedgerTable' });
  });

  it('alarms when the publish ledger has failed for 15 minutes (deliveries still published, repeats possible)', () => {
    expect(resource('PublishLedgerAlarm').Properties).toMatchObject({
      Namespace: METRIC_NAMESPACE,
      MetricName: 'LedgerUnavailable',
      Dimensions: [{ Name: 'service', Value: 'pulse-republisher' }],
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: resource('DeadLetterQueueAlarm').Properties.AlarmActions,
    });
    expect(METRICS['pulse-republisher']).toContain('LedgerUnavailable');
  });

  it('plots the publish and ledger metrics on its dashboard', () => {
    const plotted = template.dashboard().metrics.map((m) => m.name);
    expect(plotted).toEqual(
      expect.arrayContaining(['Published', 'Deduplicated', 'LedgerUnavailable', 'ControlMessageIgnored']),
    );
  });

  it("names its queues github-webhooks-<stage>-…: the public topic's policy lets only this account subscribe those", () => {
    expect(
      Object.fromEntries(ofType('AWS::SQS::Queue').map(([id, queue]) => [id, queue.Properties.QueueName])),
    ).toEqual({
      RepublishQueue: 'github-webhooks-dev-republish',
      RepublishDeadLetterQueue: 'github-webhooks-dev-republish-dead-letter',
      SubscriptionDeadLetterQueue: 'github-webhooks-dev-subscription-dead-letter',
    });
    // The pattern the ingestion stack's PublicTopicPolicy denies to other accounts (naming.cjs).
    const { names } = require('@github-webhooks/serverless-configuration/naming.cjs') as {
      names: { queuePrefix(stage: string): string };
    };
    for (const [, queue] of ofType('AWS::SQS::Queue'))
      expect(String(queue.Properties.QueueName).startsWith(names.queuePrefix('dev'))).toBe(true);
  });

  it("names its role as the archive key's policy names it", () => {
    expect(resource('IamRoleLambdaExecution').Properties.RoleName).toBe(
      'github-webhooks-dev-us-east-1-republisher',
    );
  });

  it('decrypts payloads/ with the archive key (wired by compose), and encrypts its log group with it', () => {
    const policy = resource('ArchiveKeyPolicy');
    expect(policy.Condition).toBe('HasArchiveKey');
    expect(policy.Properties).toEqual({
      PolicyName: 'use-archive-key',
      Roles: [{ Ref: 'IamRoleLambdaExecution' }],
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 'kms:Decrypt',
            Resource: '',
            Condition: {
              StringEquals: { 'kms:ViaService': { 'Fn::Sub': `s3.\${AWS::Region}.amazonaws.com` } },
            },
          },
        ],
      },
    });
    expect(template.template.Conditions?.HasArchiveKey).toEqual({
      'Fn::Not': [{ 'Fn::Equals': ['', ''] }],
    });
    expect(resource('RepublishLogGroup').Properties.KmsKeyId).toEqual({
      'Fn::If': ['HasArchiveKey', '', { Ref: 'AWS::NoValue' }],
    });
  });
});
