import { dashboardProblems, PackagedTemplate, parseDashboardBody } from '@github-webhooks/fixtures';
import { METRIC_NAMESPACE, METRICS, type ServiceName } from '@github-webhooks/runtime';

// CommonJS, as Serverless loads it.
const dashboards = require('../dashboards.cjs') as Record<ServiceName, () => unknown> & {
  NAMESPACE: string;
  dashboardBody(service: ServiceName): { widgets: { properties: { metrics?: unknown[][] } }[] };
};
const SERVICES = Object.keys(METRICS) as ServiceName[];

/** A stack holding the dashboard and exactly the alarms it shows. */
function stackWith(body: unknown) {
  const alarms = parseDashboardBody(body).alarms;
  return PackagedTemplate.from({
    Resources: {
      Dashboard: { Type: 'AWS::CloudWatch::Dashboard', Properties: { DashboardBody: body } },
      ...Object.fromEntries(alarms.map((a) => [a, { Type: 'AWS::CloudWatch::Alarm', Properties: {} }])),
    },
  });
}

describe('dashboards', () => {
  it('uses the namespace the Lambdas publish to', () => {
    expect(dashboards.NAMESPACE).toBe(METRIC_NAMESPACE);
  });

  it.each(SERVICES)(
    '%s: every widget names a metric the service emits, as CloudFormation gets it',
    (service) => {
      const body = dashboards[service]();
      expect(JSON.stringify(body)).not.toContain('@@'); // every placeholder became a Ref or GetAtt
      expect(dashboardProblems(stackWith(body), METRIC_NAMESPACE, METRICS[service])).toEqual([]);
    },
  );

  it('fails for a widget naming a metric nothing emits, and for an alarm not shown', () => {
    const body = dashboards.dashboardBody('ingestion');
    body.widgets[0]?.properties.metrics?.push([METRIC_NAMESPACE, 'Recieved', 'service', 'ingestion']);
    const template = PackagedTemplate.from({
      Resources: {
        Dashboard: {
          Type: 'AWS::CloudWatch::Dashboard',
          Properties: { DashboardBody: JSON.stringify(body) },
        },
        NewAlarm: { Type: 'AWS::CloudWatch::Alarm', Properties: {} },
      },
    });
    expect(dashboardProblems(template, METRIC_NAMESPACE, METRICS.ingestion)).toEqual(
      expect.arrayContaining(['widget plots Recieved, which nothing emits', 'alarm NewAlarm is not shown']),
    );
  });
});
