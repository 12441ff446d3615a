import { execFileSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import {
  asArray,
  type CfnStatement,
  dashboardProblems,
  type PackagedTemplate,
} from '@github-webhooks/fixtures';
import { METRIC_NAMESPACE, METRICS, type ServiceName } from '@github-webhooks/runtime';
import { packagedStacks } from './support/account';

// What every stack's packaged template must hold, checked once over all of them (each stack's own
// test checks what is its own).

/** ARNs a stack packaged alone names before compose wires the real one (which takes the partition). */
const PLACEHOLDER_ARNS: Record<ServiceName, readonly string[]> = {
  ingestion: [],
  'pulse-republisher': ['arn:aws:sns:us-east-1:000000000000:github-webhooks-public-placeholder'],
  'archive-compactor': [],
  'delivery-reconciler': [],
};

/** The only function that streams a write (hourly files, uploaded in parts): the others leave lib-storage out. */
const STREAMS_WRITES: ReadonlySet<ServiceName> = new Set(['archive-compactor']);

const stacks = packagedStacks().map((stack) => ({ ...stack, name: stack.name as ServiceName }));

/**
 * What a stack allows: its roles' inline policies, its stand-alone IAM policies, and what its
 * resource policies allow (their denies, `s3:*` without TLS for one, take nothing away).
 */
function grants(template: PackagedTemplate): CfnStatement[] {
  const policies = template
    .ofType('AWS::IAM::Policy')
    .flatMap(([, policy]) => (policy.Properties.PolicyDocument as { Statement: CfnStatement[] }).Statement);
  return [
    ...template.roleStatements(),
    ...policies,
    ...template.resourcePolicyStatements().filter((s) => s.Effect === 'Allow'),
  ];
}

const handlerSource = (artifact: string): string =>
  execFileSync('unzip', ['-p', artifact, 'src/handler.js'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });

/** The packages a bundle loads at run time that are not Node's own. */
function bundleImports(artifact: string): string[] {
  const handler = handlerSource(artifact);
  const required = [...handler.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1] as string);
  const builtin = (name: string) => name.startsWith('node:') || builtinModules.includes(name);
  return [...new Set(required.filter((name) => !builtin(name)))].sort();
}

describe.each(stacks)('the $name stack', ({ name, template, artifact }) => {
  it('runs every function on Node 24 and arm64 (shared.yml)', () => {
    const functions = template.ofType('AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThan(0);
    for (const [, fn] of functions)
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'] });
  });

  it('keeps its logs 90 days and its deployment bucket encrypted', () => {
    const logGroups = template.ofType('AWS::Logs::LogGroup');
    expect(logGroups.length).toBeGreaterThan(0);
    for (const [, group] of logGroups) expect(group.Properties.RetentionInDays).toBe(90);
    expect(template.resource('ServerlessDeploymentBucket').Properties.BucketEncryption).toBeDefined();
  });

  it('names no partition: every ARN it builds uses AWS::Partition', () => {
    let text = JSON.stringify(template.template);
    for (const placeholder of PLACEHOLDER_ARNS[name]) text = text.replaceAll(placeholder, '');
    expect(text).not.toContain('arn:aws:');
  });

  it('grants no wildcard action and no wildcard resource', () => {
    expect(template.roleStatements().flatMap((s) => asArray(s.Action)).length).toBeGreaterThan(5);
    for (const statement of grants(template)) {
      for (const action of asArray(statement.Action)) expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
      for (const resource of asArray(statement.Resource)) expect(resource).not.toBe('*');
    }
  });

  it('has a dashboard plotting only metrics the service emits and showing every alarm of the stack', () => {
    expect(dashboardProblems(template, METRIC_NAMESPACE, METRICS[name])).toEqual([]);
    expect(template.dashboard().widgets.length).toBeGreaterThan(2);
  });

  it('bundles everything but the AWS SDK clients, which the Lambda runtime provides', () => {
    const imports = bundleImports(artifact);
    expect(imports.length).toBeGreaterThan(0);
    for (const imported of imports) expect(imported).toMatch(/^@aws-sdk\/client-[a-z0-9-]+$/);
  });

  // lib-storage is ~11 KB of bundle; taken through its CommonJS build it would also bring all of
  // @smithy/core's protocols (~108 KB, a few ms of every cold start) which the runtime's client has.
  it(`${STREAMS_WRITES.has(name) ? 'bundles' : 'leaves out'} lib-storage (multipart uploads), and no copy of the SDK's serializers`, () => {
    const source = handlerSource(artifact);
    expect(source.includes('the encoded byte length of the Body string')).toBe(STREAMS_WRITES.has(name));
    expect(source).not.toContain('Invalid RFC-3339 date-time value');
  });
});
