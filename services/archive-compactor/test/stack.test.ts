import { DAY_COLUMN, QUERY_DATABASE, QUERY_TABLE, RECORD_COLUMNS } from '@github-webhooks/events';
import {
  asArray as list,
  PARTITION,
  PackagedTemplate,
  STATEFUL_TYPES,
  subString,
} from '@github-webhooks/fixtures';

const template = PackagedTemplate.of(`${__dirname}/..`);
const resources = (type: string) => template.ofType(type).map(([, resource]) => resource);
const statements = () => template.roleStatements();
const s3Statements = () => statements().filter((s) => list(s.Action).some((a) => a.startsWith('s3:')));
// ARNs are built with the stack's partition: { "Fn::Sub": "arn:${AWS::Partition}:s3:::…" }.
const BUCKET = `arn:${PARTITION}:s3:::github-webhooks-archive-dev`;
const arn = subString;

describe('archive-compactor CloudFormation template', () => {
  it('keeps the logical IDs of its stateful resources, so a deploy onto a live stage changes code, not data', () => {
    expect(template.logicalIds(STATEFUL_TYPES)).toEqual([
      'CompactLogGroup',
      'CompactorErrorsAlarm',
      'Dashboard',
      'DeliveriesTable',
      'QuarantineAlarm',
      'QueryDatabase',
      'QueryResultsBucket',
      'QueryWorkGroup',
      'ServerlessDeploymentBucket',
    ]);
  });

  it('alarms on a failed run (e.g. a 403 on a payload) and on quarantined lines', () => {
    expect(template.resource('CompactorErrorsAlarm').Properties).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: 'CompactLambdaFunction' } }],
      Threshold: 0,
    });
    expect(template.resource('QuarantineAlarm').Properties).toMatchObject({
      Namespace: 'GithubWebhooks',
      MetricName: 'Quarantined',
      Dimensions: [{ Name: 'service', Value: 'archive-compactor' }],
      Threshold: 0,
    });
  });

  it('runs the compactor every hour', () => {
    const rules = resources('AWS::Events::Rule');
    expect(rules).toHaveLength(1);
    expect(rules[0]?.Properties).toMatchObject({ ScheduleExpression: 'rate(1 hour)', State: 'ENABLED' });
  });

  it('gives the function a full vCPU and the maximum timeout, reserving no concurrency unless told (the lease keeps runs apart)', () => {
    const [fn] = resources('AWS::Lambda::Function');
    // Node 24 on arm64, as every stack (e2e/aws/test/stack-templates.test.ts).
    expect(fn?.Properties).toMatchObject({
      MemorySize: 1769,
      Timeout: 900,
      Handler: 'src/handler.handler',
    });
    // The reservedConcurrency parameter, empty by default: a new account's quota (10) has none to spare.
    expect(fn?.Properties.ReservedConcurrentExecutions).toEqual({
      'Fn::If': ['ReservesConcurrency', '', { Ref: 'AWS::NoValue' }],
    });
    expect(template.template.Conditions?.ReservesConcurrency).toEqual({
      'Fn::Not': [{ 'Fn::Equals': ['', ''] }],
    });
    expect(
      (fn?.Properties.Environment as { Variables?: Record<string, string> } | undefined)?.Variables,
    ).toMatchObject({
      ARCHIVE_BUCKET: 'github-webhooks-archive-dev',
      RAW_DISPOSAL: 'delete',
    });
  });

  it.each([
    ['s3:ListBucket', [BUCKET]],
    [
      's3:GetObject',
      [
        `${BUCKET}/raw/*`,
        `${BUCKET}/hourly/*`,
        `${BUCKET}/manifests/*`,
        `${BUCKET}/payloads/*`,
        `${BUCKET}/locks/archive-compactor.json`,
      ],
    ],
    [
      's3:PutObject',
      [
        `${BUCKET}/hourly/*`,
        `${BUCKET}/manifests/*`,
        `${BUCKET}/quarantine/*`,
        `${BUCKET}/locks/archive-compactor.json`,
      ],
    ],
    ['s3:AbortMultipartUpload', [`${BUCKET}/hourly/*`, `${BUCKET}/manifests/*`, `${BUCKET}/quarantine/*`]],
    ['s3:DeleteObject', [`${BUCKET}/raw/*`, `${BUCKET}/locks/archive-compactor.json`]],
    ['s3:PutObjectTagging', [`${BUCKET}/raw/*`]],
  ])('allows %s on exactly %j', (action, expected) => {
    const granted = s3Statements()
      .filter((s) => s.Effect === 'Allow' && list(s.Action).includes(action))
      .flatMap((s) => list(s.Resource).map(arn));
    expect([...granted].sort()).toEqual([...expected].sort());
  });

  it('grants S3 only the actions above', () => {
    const actions = new Set(s3Statements().flatMap((s) => list(s.Action)));
    expect([...actions].sort()).toEqual([
      's3:AbortMultipartUpload',
      's3:DeleteObject',
      's3:GetObject',
      's3:ListBucket',
      's3:PutObject',
      's3:PutObjectTagging',
    ]);
  });

  it('lets the function list only the raw/, hourly/, manifests/ and payloads/ prefixes and its lease (a missing object is a 404, not a 403)', () => {
    const listing = s3Statements().filter((s) => list(s.Action).includes('s3:ListBucket'));
    expect(listing).toHaveLength(1);
    expect(listing[0]?.Condition).toEqual({
      StringLike: {
        's3:prefix': ['raw/*', 'hourly/*', 'manifests/*', 'payloads/*', 'locks/archive-compactor.json'],
      },
    });
  });

  it('never deletes or tags outside raw/, but for its lease', () => {
    for (const s of s3Statements()) {
      if (!list(s.Action).some((a) => a === 's3:DeleteObject' || a === 's3:PutObjectTagging')) continue;
      const allowed = list(s.Action).includes('s3:PutObjectTagging')
        ? [`${BUCKET}/raw/*`]
        : [`${BUCKET}/raw/*`, `${BUCKET}/locks/archive-compactor.json`];
      for (const resource of list(s.Resource)) expect(allowed).toContain(arn(resource));
    }
  });

  describe('the archive as an Athena table', () => {
    const table = () =>
      template.resource('DeliveriesTable').Properties as {
        DatabaseName: unknown;
        TableInput: {
          Name: string;
          Parameters: Record<string, unknown>;
          PartitionKeys: { Name: string; Type: string }[];
          StorageDescriptor: {
            Location: string;
            SerdeInfo: unknown;
            Columns: { Name: string; Type: string }[];
          };
        };
      };

    it('has the columns of the record format (RECORD_COLUMNS), in order, with their types', () => {
      expect(table().TableInput.StorageDescriptor.Columns).toEqual(
        RECORD_COLUMNS.map((c) => ({ Name: c.name, Type: c.glue })),
      );
    });

    it('is github_webhooks_<stage>.deliveries over hourly/, a JSON SerDe, partitions projected from the day folder', () => {
      // One Glue database per account and region: one per stage.
      expect(template.resource('QueryDatabase').Properties).toMatchObject({
        DatabaseInput: { Name: `${QUERY_DATABASE}_dev` },
      });
      expect(template.outputs.QueryTable?.Value).toBe(`${QUERY_DATABASE}_dev.${QUERY_TABLE}`);
      const { DatabaseName, TableInput } = table();
      expect(DatabaseName).toEqual({ Ref: 'QueryDatabase' });
      expect(TableInput.Name).toBe(QUERY_TABLE);
      expect(TableInput.StorageDescriptor).toMatchObject({
        Location: 's3://github-webhooks-archive-dev/hourly/',
        SerdeInfo: { SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' },
      });
      expect(TableInput.PartitionKeys).toEqual([
        { Name: DAY_COLUMN, Type: 'string', Comment: expect.any(String) },
      ]);
      expect(TableInput.Parameters).toMatchObject({
        'projection.enabled': 'true',
        'projection.day.type': 'date',
        'projection.day.format': 'yyyy/MM/dd',
        'projection.day.range': '2008/01/01,NOW',
        'projection.day.interval.unit': 'DAYS',
        'storage.location.template': {
          'Fn::Join': ['', ['s3://github-webhooks-archive-dev/hourly/$', '{day}/']],
        },
      });
      // No crawler and no partitions to repair: projection is the whole of it.
      expect(resources('AWS::Glue::Crawler')).toEqual([]);
      expect(resources('AWS::Glue::Partition')).toEqual([]);
    });

    it('queries in a workgroup that enforces its results location and a bytes-scanned limit', () => {
      expect(template.resource('QueryWorkGroup').Properties).toMatchObject({
        WorkGroupConfiguration: {
          EnforceWorkGroupConfiguration: true,
          BytesScannedCutoffPerQuery: 10737418240,
          ResultConfiguration: {
            // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation substitution, not a JS template.
            OutputLocation: { 'Fn::Sub': 's3://${QueryResultsBucket}/results/' },
            // The archive key when compose wires it (archiveKeyArn), SSE-S3 for a stack packaged alone.
            EncryptionConfiguration: {
              'Fn::If': [
                'HasArchiveKey',
                { EncryptionOption: 'SSE_KMS', KmsKey: '' },
                { EncryptionOption: 'SSE_S3' },
              ],
            },
          },
        },
      });
      expect(template.resource('QueryResultsBucket').Properties).toMatchObject({
        PublicAccessBlockConfiguration: { BlockPublicPolicy: true, RestrictPublicBuckets: true },
        LifecycleConfiguration: { Rules: [{ Status: 'Enabled', ExpirationInDays: 30 }] },
      });
    });

    it('keeps manifests out of hourly/: the role writes them to manifests/ and deletes nothing in hourly/', () => {
      const puts = s3Statements().filter((s) => list(s.Action).includes('s3:PutObject'));
      expect(puts.flatMap((s) => list(s.Resource).map(arn))).toContain(`${BUCKET}/manifests/*`);
      const deletes = s3Statements().filter((s) => list(s.Action).includes('s3:DeleteObject'));
      expect(deletes.flatMap((s) => list(s.Resource).map(arn)).sort()).toEqual([
        `${BUCKET}/locks/archive-compactor.json`,
        `${BUCKET}/raw/*`,
      ]);
    });
  });

  describe('stored like an audit log', () => {
    it('encrypts the query results with the archive key (SSE-KMS, bucket key) when compose wires it, SSE-S3 alone', () => {
      const bucket = template.resource('QueryResultsBucket').Properties.BucketEncryption as {
        ServerSideEncryptionConfiguration: Record<string, unknown>[];
      };
      expect(bucket.ServerSideEncryptionConfiguration).toEqual([
        {
          ServerSideEncryptionByDefault: {
            'Fn::If': [
              'HasArchiveKey',
              { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: '' },
              { SSEAlgorithm: 'AES256' },
            ],
          },
          BucketKeyEnabled: { 'Fn::If': ['HasArchiveKey', true, { Ref: 'AWS::NoValue' }] },
        },
      ]);
      expect(template.template.Conditions?.HasArchiveKey).toEqual({
        'Fn::Not': [{ 'Fn::Equals': ['', ''] }],
      });
    });

    it('lets nobody reach the query results but over TLS', () => {
      expect(template.resource('QueryResultsBucketPolicy').Properties).toEqual({
        Bucket: { Ref: 'QueryResultsBucket' },
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'DenyInsecureTransport',
              Effect: 'Deny',
              Principal: '*',
              Action: 's3:*',
              Resource: [
                { 'Fn::GetAtt': ['QueryResultsBucket', 'Arn'] },
                // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation substitution, not a JS template.
                { 'Fn::Sub': '${QueryResultsBucket.Arn}/*' },
              ],
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            },
          ],
        },
      });
    });

    it("names its role as the archive key's policy names it, which may decrypt and encrypt through S3 only", () => {
      expect(template.resource('IamRoleLambdaExecution').Properties.RoleName).toBe(
        'github-webhooks-dev-us-east-1-compactor',
      );
      const policy = template.resource('ArchiveKeyPolicy');
      expect(policy.Condition).toBe('HasArchiveKey');
      expect(policy.Properties).toMatchObject({
        Roles: [{ Ref: 'IamRoleLambdaExecution' }],
        PolicyDocument: {
          Statement: [
            {
              Effect: 'Allow',
              // Reads raw/, hourly/, payloads/; writes hourly files in multipart uploads (both).
              Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
              Resource: '',
              Condition: {
                // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation substitution, not a JS template.
                StringEquals: { 'kms:ViaService': { 'Fn::Sub': 's3.${AWS::Region}.amazonaws.com' } },
              },
            },
          ],
        },
      });
    });

    it('encrypts its log group with the archive key when it has it', () => {
      expect(template.resource('CompactLogGroup').Properties.KmsKeyId).toEqual({
        'Fn::If': ['HasArchiveKey', '', { Ref: 'AWS::NoValue' }],
      });
    });
  });
});
