import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NAME_RULES, nameProblems, type Template } from './support/aws-names';

// Every stack packaged as an operator would package it with the longest stage docs/operate.md allows
// (naming.cjs: MAX_STAGE_LENGTH) in a region with the longest name, and every name its template
// gives AWS checked against AWS's limits: a long stage must fail here, naming the resource and the
// limit, not in CloudFormation halfway through a first deploy. Each stack runs from a temporary
// tree (a copy of serverless.yml, links to the rest), so the template tests' .serverless/ stays.
const naming = require('../naming.cjs') as {
  MAX_STAGE_LENGTH: number;
  names: { queryDatabase(stage: string): string };
};

const ROOT = join(__dirname, '..', '..', '..');
const STACKS = ['ingestion', 'pulse-republisher', 'archive-compactor', 'delivery-reconciler'] as const;
/** As long as docs/operate.md allows, with a hyphen (the Glue database turns it into an underscore). */
const STAGE = `longest-${'x'.repeat(naming.MAX_STAGE_LENGTH - 'longest-'.length)}`;
/** The longest region names are 14 characters (ap-southeast-2, ap-northeast-1, …). */
const REGION = 'ap-southeast-2';

const templates: Partial<Record<(typeof STACKS)[number], Template>> = {};
let root: string;

beforeAll(() => {
  expect(STAGE).toHaveLength(naming.MAX_STAGE_LENGTH);
  root = mkdtempSync(join(tmpdir(), 'long-stage-'));
  for (const name of ['packages', 'tsconfig.base.json']) symlinkSync(join(ROOT, name), join(root, name));
  for (const stack of STACKS) {
    const source = join(ROOT, 'services', stack);
    const service = join(root, 'services', stack);
    mkdirSync(service, { recursive: true });
    copyFileSync(join(source, 'serverless.yml'), join(service, 'serverless.yml'));
    for (const name of ['package.json', 'tsconfig.json', 'src', 'node_modules'])
      symlinkSync(join(source, name), join(service, name));
    const out = join(root, 'package', stack);
    const run = spawnSync(
      join(service, 'node_modules', '.bin', 'serverless'),
      ['package', '--stage', STAGE, '--region', REGION, '--package', out],
      {
        cwd: service,
        encoding: 'utf8',
        env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
      },
    );
    if (run.status !== 0)
      throw new Error(`packaging ${stack} with --stage ${STAGE} failed: ${run.stdout}${run.stderr}`);
    templates[stack] = JSON.parse(
      readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8'),
    );
  }
}, 600_000);

afterAll(() => {
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
});

const template = (stack: (typeof STACKS)[number]) => {
  const found = templates[stack];
  if (found === undefined) throw new Error(`${stack} was not packaged`);
  return found;
};

describe(`every stack, packaged with the longest stage allowed (${naming.MAX_STAGE_LENGTH} characters) in a 14-character region`, () => {
  it.each(STACKS)('%s: every name it gives AWS is one AWS accepts', (stack) => {
    const t = template(stack);
    expect(nameProblems(t, { stackName: `github-webhooks-${stack}-${STAGE}`, region: REGION })).toEqual([]);
    // The names were there to check: the roles, the functions and their log groups at least.
    const named = Object.values(t.Resources).filter((r) =>
      (NAME_RULES[r.Type] ?? []).some(
        (rule) => r.Properties?.[rule.property.split('.')[0] as string] !== undefined,
      ),
    );
    const types = named.map((r) => r.Type);
    for (const type of ['AWS::IAM::Role', 'AWS::Lambda::Function', 'AWS::Logs::LogGroup'])
      expect(types).toContain(type);
  });

  it.each(STACKS)('%s: the archive bucket it names when packaged alone is a valid bucket name', (stack) => {
    for (const fn of Object.values(template(stack).Resources).filter(
      (r) => r.Type === 'AWS::Lambda::Function',
    )) {
      const bucket = (fn.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)
        ?.Variables?.ARCHIVE_BUCKET;
      if (typeof bucket !== 'string') continue;
      expect(bucket).toMatch(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/);
    }
  });

  it('gives the Athena table a Glue database of its own stage (one per account and region)', () => {
    const databases = Object.values(template('archive-compactor').Resources).filter(
      (r) => r.Type === 'AWS::Glue::Database',
    );
    expect(databases.map((d) => (d.Properties?.DatabaseInput as { Name: string } | undefined)?.Name)).toEqual(
      [naming.names.queryDatabase(STAGE)],
    );
    expect(naming.names.queryDatabase(STAGE)).toBe(`github_webhooks_${STAGE.replaceAll('-', '_')}`);
    expect(naming.names.queryDatabase('prod')).not.toBe(naming.names.queryDatabase('dev'));
  });

  it('names the same queues in the republisher and in the public topic policy that keeps them to this account', () => {
    const queues = Object.values(template('pulse-republisher').Resources)
      .filter((r) => r.Type === 'AWS::SQS::Queue')
      .map((r) => String(r.Properties?.QueueName));
    expect(queues).toHaveLength(3);
    const policy = template('ingestion').Resources.PublicTopicPolicy?.Properties?.PolicyDocument as {
      Statement: { Sid?: string; Condition?: { StringLike?: { 'sns:Endpoint'?: { 'Fn::Sub': string } } } }[];
    };
    const endpoint = policy.Statement.find((s) => s.Sid === 'OwnQueuesOnlyByThisAccount')?.Condition
      ?.StringLike?.['sns:Endpoint']?.['Fn::Sub'];
    const prefix = String(endpoint).split(':').at(-1)?.replace(/\*$/, '') ?? '';
    expect(prefix).toBe(`github-webhooks-${STAGE}-`);
    for (const queue of queues) expect(queue.startsWith(prefix)).toBe(true);
  });

  it("names the same roles in the archive key's policy as the stacks give their roles", () => {
    const key = template('ingestion').Resources.ArchiveKey?.Properties?.KeyPolicy as {
      Statement: {
        Sid?: string;
        Condition?: { ArnEquals?: { 'aws:PrincipalArn'?: { 'Fn::Sub': string }[] } };
      }[];
    };
    const named = (
      key.Statement.find((s) => s.Sid === 'ArchiveRolesThroughS3')?.Condition?.ArnEquals?.[
        'aws:PrincipalArn'
      ] ?? []
    ).map((arn) => arn['Fn::Sub'].split(':role/')[1]);
    const roles = STACKS.flatMap((stack) =>
      Object.values(template(stack).Resources)
        .filter((r) => r.Type === 'AWS::IAM::Role')
        .map((r) => String(r.Properties?.RoleName)),
    );
    expect([...named].sort()).toEqual([...roles].sort());
  });
});

describe('nameProblems', () => {
  it('names the resource, the name, its length and the limit', () => {
    const problems = nameProblems(
      {
        Resources: {
          TooLong: {
            Type: 'AWS::IAM::Role',
            Properties: {
              RoleName: {
                'Fn::Join': [
                  '-',
                  ['github-webhooks-delivery-reconciler', 'prod', { Ref: 'AWS::Region' }, 'lambdaRole'],
                ],
              },
            },
          },
          Upper: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'github-webhooks-archive-Prod' } },
          Queue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'q'.repeat(81) } },
          Generated: { Type: 'AWS::SNS::Topic', Properties: {} },
        },
      },
      { stackName: 'github-webhooks-delivery-reconciler-prod', region: REGION },
    );
    expect(problems).toEqual([
      'TooLong (AWS::IAM::Role): RoleName "github-webhooks-delivery-reconciler-prod-ap-southeast-2-lambdaRole" is 66 characters; IAM role names allow at most 64',
      'Upper (AWS::S3::Bucket): BucketName "github-webhooks-archive-Prod": S3 bucket names allow only lowercase letters, digits, dots and hyphens, a letter or digit at each end',
      `Queue (AWS::SQS::Queue): QueueName "${'q'.repeat(81)}" is 81 characters; SQS queue names allow at most 80`,
    ]);
  });
});
