import {
  asArray,
  PARTITION,
  PackagedTemplate,
  STATEFUL_TYPES,
  type CfnStatement as Statement,
} from '@github-webhooks/fixtures';
import { METRIC_NAMESPACE, METRICS } from '@github-webhooks/runtime';
import { DRIFT_METRICS } from '../src/drift';

const packaged = PackagedTemplate.of(`${__dirname}/..`);
const template = () => ({ Resources: packaged.resources, Outputs: packaged.outputs });
const ofType = (type: string) => packaged.ofType(type);
const resource = (name: string) => packaged.resource(name);
const statements = (): Statement[] => packaged.roleStatements();
const actions = (s: Statement) => asArray(s.Action);

describe('ingestion CloudFormation template', () => {
  it('keeps the logical IDs of its stateful resources, so a deploy onto a live stage changes code, not data', () => {
    expect(packaged.logicalIds([...STATEFUL_TYPES, 'AWS::KMS::Key'])).toEqual([
      'AccessLogBucket',
      'AllTopic',
      'ArchiveBucket',
      'ArchiveKey',
      'ArchiveStream',
      'Dashboard',
      'FirehoseFreshnessAlarm',
      'PrivacyDriftAlarm',
      'PublicTopic',
      'SecretRefusedAlarm',
      'ServerlessDeploymentBucket',
      'WebhookLogGroup',
    ]);
  });

  it('alarms when Firehose stops delivering (it drops what it cannot deliver in 24 h) and on a refused secret', () => {
    expect(resource('FirehoseFreshnessAlarm').Properties).toMatchObject({
      Namespace: 'AWS/Firehose',
      MetricName: 'DeliveryToS3.DataFreshness',
      Dimensions: [{ Name: 'DeliveryStreamName', Value: { Ref: 'ArchiveStream' } }],
      Threshold: 900,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    expect(resource('SecretRefusedAlarm').Properties).toMatchObject({
      Namespace: 'GithubWebhooks',
      MetricName: 'SecretRefused',
      Dimensions: [{ Name: 'service', Value: 'ingestion' }],
      Threshold: 0,
    });
  });

  it('alarms within the hour on any drift: an allowlisted event of a public repository judged private', () => {
    const alarm = resource('PrivacyDriftAlarm').Properties as {
      Metrics: {
        Id: string;
        MetricStat?: {
          Metric: { Namespace: string; MetricName: string; Dimensions: unknown };
          Period: number;
          Stat: string;
        };
        Expression?: string;
      }[];
    };
    const stats = alarm.Metrics.flatMap((m) => (m.MetricStat ? [m.MetricStat] : []));
    const names = stats.map((m) => m.Metric.MetricName);
    expect(names).toEqual(Object.values(DRIFT_METRICS));
    for (const name of names) expect(METRICS.ingestion).toContain(name);
    for (const stat of stats)
      expect(stat).toMatchObject({
        Metric: { Namespace: METRIC_NAMESPACE, Dimensions: [{ Name: 'service', Value: 'ingestion' }] },
        Period: 3600,
        Stat: 'Sum',
      });
    expect(alarm.Metrics.filter((m) => m.Expression).map((m) => m.Expression)).toEqual([
      'FILL(shapeMismatch, 0) + FILL(unknownAction, 0) + FILL(privateReferenced, 0)',
    ]);
    expect(alarm).toMatchObject({
      EvaluationPeriods: 1,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: resource('SecretRefusedAlarm').Properties.AlarmActions,
      OKActions: resource('SecretRefusedAlarm').Properties.OKActions,
    });
    expect(String(resource('PrivacyDriftAlarm').Properties.AlarmDescription)).toMatch(/event model/);
  });

  it('expires old versions in raw/ only, so an overwritten hourly file, manifest or payload stays recoverable', () => {
    const rules = (
      resource('ArchiveBucket').Properties.LifecycleConfiguration as { Rules: Record<string, unknown>[] }
    ).Rules;
    const noncurrent = rules.filter((r) => r.NoncurrentVersionExpiration !== undefined);
    expect(noncurrent).toEqual([
      expect.objectContaining({ Prefix: 'raw/', NoncurrentVersionExpiration: { NoncurrentDays: 30 } }),
    ]);
    for (const rule of rules.filter((r) => r.ExpirationInDays !== undefined))
      expect(rule.Prefix).toBe('raw/');
  });

  it.each([
    ['AllTopicPolicy', 'AllTopic'],
    ['PublicTopicPolicy', 'PublicTopic'],
  ])('%s lets only the ingestion function publish to %s', (name, topic) => {
    const policy = resource(name).Properties as {
      Topics: unknown;
      PolicyDocument: { Statement: Statement[] };
    };
    expect(policy.Topics).toEqual([{ Ref: topic }]);
    expect(policy.PolicyDocument.Statement[0]).toEqual({
      Sid: 'OnlyIngestionPublishes',
      Effect: 'Deny',
      Principal: '*',
      Action: 'sns:Publish',
      Resource: [{ Ref: topic }],
      Condition: {
        ArnNotEquals: { 'aws:PrincipalArn': { 'Fn::GetAtt': ['IamRoleLambdaExecution', 'Arn'] } },
      },
    });
  });

  it('lets anyone subscribe an SQS queue or a Lambda function to the public topic, and nobody the all topic', () => {
    const document = (name: string) =>
      (resource(name).Properties as { PolicyDocument: { Statement: Statement[] } }).PolicyDocument.Statement;
    expect(document('PublicTopicPolicy').slice(2)).toEqual([
      {
        Sid: 'AnyoneSubscribesWithoutCost',
        Effect: 'Allow',
        Principal: '*',
        Action: 'sns:Subscribe',
        Resource: { Ref: 'PublicTopic' },
        Condition: { StringEquals: { 'sns:Protocol': ['sqs', 'lambda'] } },
      },
    ]);
    expect(document('AllTopicPolicy')).toHaveLength(1);
    expect(
      ofType('AWS::SNS::TopicPolicy')
        .map(([id]) => id)
        .sort(),
    ).toEqual(['AllTopicPolicy', 'PublicTopicPolicy']);
  });

  it('lets Firehose assume its role only for this account', () => {
    const trust = resource('FirehoseRole').Properties.AssumeRolePolicyDocument as { Statement: Statement[] };
    expect(trust.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: 'firehose.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      }),
    ]);
  });

  it('has the API route, the function, the stream, the bucket and both topics', () => {
    const routes = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties.RouteKey);
    expect(routes).toEqual(['ANY /webhook']);
    const [fn] = ofType('AWS::Lambda::Function');
    // Node 24 on arm64, as every stack (e2e/aws/test/stack-templates.test.ts).
    expect(fn?.[1].Properties).toMatchObject({ Timeout: 9 });
    expect(ofType('AWS::KinesisFirehose::DeliveryStream')).toHaveLength(1);
    expect(resource('ArchiveBucket').Type).toBe('AWS::S3::Bucket');
    expect(ofType('AWS::SNS::Topic')).toHaveLength(2);
    expect(Object.keys(template().Outputs)).toEqual(
      expect.arrayContaining(['AllTopicArn', 'PublicTopicArn', 'ArchiveBucketName', 'WebhookUrl']),
    );
  });

  it('writes gzip NDJSON objects under raw/<hour>/ with an error prefix', () => {
    const [[, stream] = []] = ofType('AWS::KinesisFirehose::DeliveryStream');
    const destination = stream?.Properties.ExtendedS3DestinationConfiguration as Record<string, unknown>;
    expect(destination).toMatchObject({
      Prefix: 'raw/!{timestamp:yyyy/MM/dd/HH}/',
      CompressionFormat: 'GZIP',
      BufferingHints: { IntervalInSeconds: 300, SizeInMBs: 64 },
    });
    expect(String(destination.ErrorOutputPrefix)).toMatch(/^raw-errors\//);
    expect(stream?.Properties.DeliveryStreamEncryptionConfigurationInput).toEqual({
      KeyType: 'AWS_OWNED_CMK',
    });
  });

  it('encrypts and locks down the archive bucket, and keeps it when the stack goes', () => {
    const bucket = resource('ArchiveBucket');
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties.BucketEncryption).toBeDefined();
    expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    const policy = resource('ArchiveBucketPolicy').Properties as {
      PolicyDocument: { Statement: Statement[] };
    };
    expect(policy.PolicyDocument.Statement).toEqual([
      expect.objectContaining({
        Effect: 'Deny',
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
      // A write asking for another encryption than the bucket's (SSE-S3) is refused; one naming none
      // gets the default, SSE-KMS with the archive key.
      {
        Sid: 'DenyOtherEncryption',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:PutObject',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['ArchiveBucket', 'Arn'] }, '/*']] },
        Condition: {
          StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' },
          Null: { 's3:x-amz-server-side-encryption': 'false' },
        },
      },
    ]);
  });

  it('encrypts both topics', () => {
    for (const [, topic] of ofType('AWS::SNS::Topic'))
      expect(topic.Properties.KmsMasterKeyId).toBe('alias/aws/sns');
  });

  it('lets the function do exactly its job', () => {
    const fnActions = statements()
      .filter((s) => s.Effect === 'Allow')
      .flatMap(actions)
      .filter((a) => !a.startsWith('logs:'));
    expect(fnActions).toEqual(
      expect.arrayContaining(['firehose:PutRecord', 'sns:Publish', 's3:PutObject', 'ssm:GetParameter']),
    );
    const putObject = statements().find(
      (s) => actions(s).includes('s3:PutObject') && JSON.stringify(s.Resource).includes('payloads'),
    );
    expect(JSON.stringify(putObject?.Resource)).toContain('/payloads/*');
    const ssm = statements().find((s) => actions(s).includes('ssm:GetParameter'));
    expect(JSON.stringify(ssm?.Resource)).toContain(':parameter/github-webhooks/dev/webhook-secrets');
    const firehose = statements().find((s) => actions(s).includes('firehose:PutRecord'));
    expect(firehose?.Resource).toEqual({ 'Fn::GetAtt': ['ArchiveStream', 'Arn'] });
  });

  it('reads secrets from SSM by name, never from a plain environment value', () => {
    const fn = resource('WebhookLambdaFunction');
    const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables.WEBHOOK_SECRETS_PARAMETER).toBe('/github-webhooks/dev/webhook-secrets');
    expect(Object.keys(variables)).not.toContain('WEBHOOK_SECRETS');
  });

  it('plots the drift metrics on its dashboard', () => {
    const plotted = packaged.dashboard().metrics.map((m) => m.name);
    expect(plotted).toEqual(expect.arrayContaining(Object.values(DRIFT_METRICS)));
  });

  describe('abuse of the public topic', () => {
    it("lets nobody but this account subscribe this deployment's queues (github-webhooks-<stage>-…) to the public topic", () => {
      const statements = (
        resource('PublicTopicPolicy').Properties as { PolicyDocument: { Statement: Statement[] } }
      ).PolicyDocument.Statement;
      expect(statements[1]).toEqual({
        Sid: 'OwnQueuesOnlyByThisAccount',
        Effect: 'Deny',
        Principal: '*',
        Action: 'sns:Subscribe',
        Resource: { Ref: 'PublicTopic' },
        Condition: {
          StringLike: {
            'sns:Endpoint': {
              'Fn::Sub': `arn:${PARTITION}:sqs:\${AWS::Region}:\${AWS::AccountId}:github-webhooks-dev-*`,
            },
          },
          StringNotEquals: { 'aws:PrincipalAccount': { Ref: 'AWS::AccountId' } },
        },
      });
      // The all topic has no subscriber but those granted: it needs no such statement.
      const all = (resource('AllTopicPolicy').Properties as { PolicyDocument: { Statement: Statement[] } })
        .PolicyDocument.Statement;
      expect(all.map((s) => s.Sid)).toEqual(['OnlyIngestionPublishes']);
    });

    it("throttles the HTTP API's stage (rate and burst from parameters): a flood gets 429s, not the account's concurrency", () => {
      expect(resource('HttpApiStage').Properties).toEqual({
        ApiId: { Ref: 'HttpApi' },
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: {
          DetailedMetricsEnabled: false,
          ThrottlingRateLimit: 50,
          ThrottlingBurstLimit: 100,
        },
      });
      expect(ofType('AWS::ApiGatewayV2::Stage')).toHaveLength(1);
    });
  });

  describe('stored like an audit log', () => {
    const keyPolicy = () =>
      (resource('ArchiveKey').Properties.KeyPolicy as { Statement: Statement[] }).Statement;
    const sub = (text: string) => ({ 'Fn::Sub': text });
    const viaS3 = { 'kms:ViaService': sub(`s3.\${AWS::Region}.amazonaws.com`) };
    const roleArn = (role: string) =>
      sub(`arn:${PARTITION}:iam::\${AWS::AccountId}:role/github-webhooks-dev-us-east-1-${role}`);

    it('has a customer-managed key, rotated, kept when the stack goes, with an alias and an output', () => {
      const key = resource('ArchiveKey');
      expect(key.Type).toBe('AWS::KMS::Key');
      expect(key.DeletionPolicy).toBe('Retain');
      expect(key.UpdateReplacePolicy).toBe('Retain');
      expect(key.Properties.EnableKeyRotation).toBe(true);
      expect(resource('ArchiveKeyAlias').Properties).toEqual({
        AliasName: 'alias/github-webhooks-dev-archive',
        TargetKeyId: { Ref: 'ArchiveKey' },
      });
      expect(packaged.outputs.ArchiveKeyArn?.Value).toEqual({ 'Fn::GetAtt': ['ArchiveKey', 'Arn'] });
    });

    it("grants the account, the archive's roles through S3 only, and CloudWatch Logs for the stacks' log groups", () => {
      expect(keyPolicy()).toEqual([
        {
          Sid: 'AccountAdministers',
          Effect: 'Allow',
          Principal: { AWS: sub(`arn:${PARTITION}:iam::\${AWS::AccountId}:root`) },
          Action: 'kms:*',
          Resource: '*',
        },
        {
          Sid: 'ArchiveRolesThroughS3',
          Effect: 'Allow',
          Principal: '*',
          Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          Resource: '*',
          Condition: {
            StringEquals: { 'kms:CallerAccount': { Ref: 'AWS::AccountId' }, ...viaS3 },
            ArnEquals: {
              'aws:PrincipalArn': ['ingestion', 'firehose', 'republisher', 'compactor', 'reconciler'].map(
                roleArn,
              ),
            },
          },
        },
        {
          Sid: 'CloudWatchLogsEncryptsLogGroups',
          Effect: 'Allow',
          Principal: { Service: sub(`logs.\${AWS::Region}.amazonaws.com`) },
          Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
          Resource: '*',
          Condition: {
            ArnLike: {
              'kms:EncryptionContext:aws:logs:arn': sub(
                `arn:${PARTITION}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/github-webhooks-*-dev-*`,
              ),
            },
          },
        },
      ]);
      // The roles it names are this stack's, by the names they are given here (naming.cjs for the others).
      expect(resource('IamRoleLambdaExecution').Properties.RoleName).toBe(
        'github-webhooks-dev-us-east-1-ingestion',
      );
      expect(resource('FirehoseRole').Properties.RoleName).toBe('github-webhooks-dev-us-east-1-firehose');
      const logGroups = ofType('AWS::Logs::LogGroup').map(([, g]) => String(g.Properties.LogGroupName));
      for (const name of logGroups) expect(name).toMatch(/^\/aws\/lambda\/github-webhooks-[a-z-]+-dev-/);
    });

    it('encrypts the archive with the key (SSE-KMS, bucket key) and logs every request to it in its own bucket', () => {
      expect(resource('ArchiveBucket').Properties).toMatchObject({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            {
              ServerSideEncryptionByDefault: {
                SSEAlgorithm: 'aws:kms',
                KMSMasterKeyID: { 'Fn::GetAtt': ['ArchiveKey', 'Arn'] },
              },
              BucketKeyEnabled: true,
            },
          ],
        },
        LoggingConfiguration: {
          DestinationBucketName: { Ref: 'AccessLogBucket' },
          LogFilePrefix: 'archive/',
        },
      });
    });

    it('keeps the access logs: retained, locked down, SSE-S3 (all S3 delivers logs into), expiring on their own', () => {
      const bucket = resource('AccessLogBucket');
      expect(bucket.DeletionPolicy).toBe('Retain');
      expect(bucket.UpdateReplacePolicy).toBe('Retain');
      expect(bucket.Properties).toEqual({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        LifecycleConfiguration: {
          Rules: [
            { Id: 'expire-access-logs', Status: 'Enabled', ExpirationInDays: 365 },
            {
              Id: 'abort-incomplete-uploads',
              Status: 'Enabled',
              AbortIncompleteMultipartUpload: { DaysAfterInitiation: 2 },
            },
          ],
        },
      });
      const policy = resource('AccessLogBucketPolicy').Properties as {
        Bucket: unknown;
        PolicyDocument: { Statement: Statement[] };
      };
      expect(policy.Bucket).toEqual({ Ref: 'AccessLogBucket' });
      expect(policy.PolicyDocument.Statement).toEqual([
        {
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: [{ 'Fn::GetAtt': ['AccessLogBucket', 'Arn'] }, sub(`\${AccessLogBucket.Arn}/*`)],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
        {
          Sid: 'S3ServerAccessLogs',
          Effect: 'Allow',
          Principal: { Service: 'logging.s3.amazonaws.com' },
          Action: 's3:PutObject',
          Resource: sub(`\${AccessLogBucket.Arn}/archive/*`),
          Condition: {
            ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': ['ArchiveBucket', 'Arn'] } },
            StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          },
        },
      ]);
    });

    it('encrypts its log group with the key', () => {
      expect(resource('WebhookLogGroup').Properties.KmsKeyId).toEqual({
        'Fn::GetAtt': ['ArchiveKey', 'Arn'],
      });
    });

    it('lets the function and Firehose use the key for what they write, through S3 only', () => {
      const kms = (s: Statement) => actions(s).some((a) => a.startsWith('kms:'));
      const fnRole = resource('IamRoleLambdaExecution').Properties.Policies as {
        PolicyDocument: { Statement: Statement[] };
      }[];
      const firehoseRole = resource('FirehoseRole').Properties.Policies as {
        PolicyDocument: { Statement: Statement[] };
      }[];
      const expected = (action: string[]) => ({
        Effect: 'Allow',
        Action: action,
        Resource: { 'Fn::GetAtt': ['ArchiveKey', 'Arn'] },
        Condition: { StringEquals: viaS3 },
      });
      expect(fnRole.flatMap((p) => p.PolicyDocument.Statement).filter(kms)).toEqual([
        expected(['kms:GenerateDataKey']),
      ]);
      expect(firehoseRole.flatMap((p) => p.PolicyDocument.Statement).filter(kms)).toEqual([
        expected(['kms:GenerateDataKey', 'kms:Decrypt']),
      ]);
    });
  });
});
