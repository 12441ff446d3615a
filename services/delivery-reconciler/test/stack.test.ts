import {
  asArray as list,
  PARTITION,
  PackagedTemplate,
  STATEFUL_TYPES,
  subString,
} from '@github-webhooks/fixtures';
import { METRICS } from '@github-webhooks/runtime';
import { RECONCILER_LEASE_KEY } from '../src';

const template = PackagedTemplate.of(`${__dirname}/..`);
const resources = (type: string) => template.ofType(type).map(([, resource]) => resource);
const BUCKET = `arn:${PARTITION}:s3:::github-webhooks-archive-dev`;
const arn = subString;

describe('delivery-reconciler CloudFormation template', () => {
  it('keeps the logical IDs of its stateful resources', () => {
    expect(template.logicalIds(STATEFUL_TYPES)).toEqual([
      'Dashboard',
      'ReconcileLogGroup',
      'ReconcilerErrorsAlarm',
      'ReconcilerGaveUpAlarm',
      'ServerlessDeploymentBucket',
    ]);
  });

  it('runs every 5 minutes on Node 24, reserving no concurrency unless told (a new account has none to spare)', () => {
    const [rule] = resources('AWS::Events::Rule');
    expect(rule?.Properties).toMatchObject({ ScheduleExpression: 'rate(5 minutes)', State: 'ENABLED' });
    const [fn] = resources('AWS::Lambda::Function');
    // Node 24 on arm64, as every stack (e2e/aws/test/stack-templates.test.ts).
    expect(fn?.Properties).toMatchObject({ Handler: 'src/handler.handler' });
    // The reservedConcurrency parameter, empty by default: no ReservedConcurrentExecutions at all.
    expect(fn?.Properties.ReservedConcurrentExecutions).toEqual({
      'Fn::If': ['ReservesConcurrency', '', { Ref: 'AWS::NoValue' }],
    });
    expect(template.template.Conditions?.ReservesConcurrency).toEqual({
      'Fn::Not': [{ 'Fn::Equals': ['', ''] }],
    });
    expect(
      (fn?.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables,
    ).toMatchObject({
      GITHUB_API_URL: 'https://api.github.com',
      GITHUB_TOKEN_PARAMETER: '/github-webhooks/dev/github-token',
      GITHUB_APP_PRIVATE_KEY_PARAMETER: '/github-webhooks/dev/github-app-private-key',
      RECONCILE_MAX_REDELIVERIES: '5',
      RECONCILE_ARCHIVE_CHECK: 'false',
      POWERTOOLS_SERVICE_NAME: 'delivery-reconciler',
    });
  });

  it('alarms when anything gave up or is expiring, on metrics the reconciler emits, and on failed runs', () => {
    const alarm = template.resource('ReconcilerGaveUpAlarm').Properties as {
      Metrics: {
        Id: string;
        MetricStat?: { Metric: { Namespace: string; MetricName: string } };
        Expression?: string;
      }[];
      Threshold: number;
    };
    const names = alarm.Metrics.flatMap((m) => (m.MetricStat ? [m.MetricStat.Metric.MetricName] : []));
    expect(names).toEqual(['GaveUp', 'Expiring']);
    for (const name of names) expect(METRICS['delivery-reconciler']).toContain(name);
    expect(alarm.Metrics.find((m) => m.Expression)?.Expression).toBe('FILL(gaveUp, 0) + FILL(expiring, 0)');
    expect(alarm.Threshold).toBe(0);
    expect(template.resource('ReconcilerErrorsAlarm').Properties).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: 'ReconcileLambdaFunction' } }],
    });
  });

  it('grants the least: its two SSM parameters, its checkpoint, and the archive only with the archive check', () => {
    const statements = template.roleStatements();
    const granted = (action: string) =>
      statements.filter((s) => list(s.Action).includes(action)).flatMap((s) => list(s.Resource).map(arn));
    expect(granted('ssm:GetParameter')).toEqual([
      `arn:${PARTITION}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/github-webhooks/dev/github-token`,
      `arn:${PARTITION}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/github-webhooks/dev/github-app-private-key`,
    ]);
    expect(granted('s3:GetObject')).toEqual([
      `${BUCKET}/reconcile/*`,
      `${BUCKET}/locks/delivery-reconciler.json`,
    ]);
    expect(granted('s3:PutObject')).toEqual([
      `${BUCKET}/reconcile/*`,
      `${BUCKET}/locks/delivery-reconciler.json`,
    ]);
    // One at a time: its lease, exactly that key (src/reconciler-lease.ts), nothing else deleted.
    expect(granted('s3:DeleteObject')).toEqual([
      `${BUCKET}/locks/${RECONCILER_LEASE_KEY.slice('locks/'.length)}`,
    ]);
    const listing = statements.find((s) => list(s.Action).includes('s3:ListBucket'));
    expect(listing?.Condition).toEqual({
      StringLike: { 's3:prefix': ['reconcile/*', RECONCILER_LEASE_KEY] },
    });
    const archive = template.resource('ArchiveReadPolicy') as { Condition?: string; Properties: unknown };
    expect(archive.Condition).toBe('ChecksArchive');
    expect(JSON.stringify(archive.Properties)).not.toContain('PutObject');
  });

  it("names its role as the archive key's policy names it, and uses the key when compose wires it", () => {
    expect(template.resource('IamRoleLambdaExecution').Properties.RoleName).toBe(
      'github-webhooks-dev-us-east-1-reconciler',
    );
    const policy = template.resource('ArchiveKeyPolicy');
    expect(policy.Condition).toBe('HasArchiveKey');
    expect(policy.Properties.PolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          Resource: '',
          Condition: {
            StringEquals: { 'kms:ViaService': { 'Fn::Sub': `s3.\${AWS::Region}.amazonaws.com` } },
          },
        },
      ],
    });
    expect(template.resource('ReconcileLogGroup').Properties.KmsKeyId).toEqual({
      'Fn::If': ['HasArchiveKey', '', { Ref: 'AWS::NoValue' }],
    });
  });
});
