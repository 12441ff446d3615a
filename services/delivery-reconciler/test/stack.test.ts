import {
  dashboardProblems,
  asArray as list,
  PARTITION,
  PackagedTemplate,
  STATEFUL_TYPES,
  subString,
} from '@github-webhooks/fixtures';
import { METRIC_NAMESPACE, METRICS } from '@github-webhooks/runtime';

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

  it('runs every 5 minutes, one run at a time, on Node 24', () => {
    const [rule] = resources('AWS::Events::Rule');
    expect(rule?.Properties).toMatchObject({ ScheduleExpression: 'rate(5 minutes)', State: 'ENABLED' });
    const [fn] = resources('AWS::Lambda::Function');
    expect(fn?.Properties).toMatchObject({
      Runtime: 'nodejs24.x',
      ReservedConcurrentExecutions: 1,
      Handler: 'src/handler.handler',
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
    expect(granted('s3:GetObject')).toEqual([`${BUCKET}/reconcile/*`]);
    expect(granted('s3:PutObject')).toEqual([`${BUCKET}/reconcile/*`]);
    for (const action of statements.flatMap((s) => list(s.Action)))
      expect(action).not.toMatch(/(^\*$)|(:\*$)/);
    const archive = template.resource('ArchiveReadPolicy') as { Condition?: string; Properties: unknown };
    expect(archive.Condition).toBe('ChecksArchive');
    expect(JSON.stringify(archive.Properties)).not.toContain('PutObject');
  });

  it('names no partition', () => {
    expect(JSON.stringify(template.template)).not.toContain('arn:aws:');
  });

  it('has a dashboard plotting only metrics the service emits and showing every alarm of the stack', () => {
    expect(dashboardProblems(template, METRIC_NAMESPACE, METRICS['delivery-reconciler'])).toEqual([]);
    expect(template.dashboard().widgets.length).toBeGreaterThan(2);
  });
});
