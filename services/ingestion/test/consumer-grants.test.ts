import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { CfnStatement as Statement } from '@github-webhooks/fixtures';

// The stack resolved with grants, as an operator would deploy it (`serverless print`: the
// configuration after variables, whose resources CloudFormation gets verbatim; `package` would
// clear the .serverless/ the other template tests read).
const SERVICE = join(__dirname, '..');
const ROLE = 'arn:aws:iam::210987654321:role/security-team';
const print = (params: readonly string[]) =>
  spawnSync(
    join(SERVICE, 'node_modules', '.bin', 'serverless'),
    ['print', '--format', 'json', '--stage', 'dev', ...params.map((p) => `--param=${p}`)],
    {
      cwd: SERVICE,
      encoding: 'utf8',
      env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
    },
  );
let resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;

beforeAll(() => {
  const run = print([
    'publicTopicSubscribers=111111111111,222222222222',
    `allTopicSubscribers=${ROLE}`,
    `archiveReaders=333333333333,${ROLE}:hourly+raw+payloads`,
  ]);
  if (run.status !== 0) throw new Error(`serverless print failed: ${run.stdout}${run.stderr}`);
  resources = JSON.parse(run.stdout).resources.Resources;
}, 120_000);

const statementsOf = (name: string) =>
  ((resources[name]?.Properties.PolicyDocument as { Statement: Statement[] }) ?? { Statement: [] }).Statement;
const suffix = (r: unknown) => (r as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1][1];

describe('ingestion template with consumer grants', () => {
  it('lets only the listed accounts subscribe to the public topic, the listed role to the all topic', () => {
    expect(statementsOf('PublicTopicPolicy').find((s) => s.Effect === 'Allow')).toMatchObject({
      Effect: 'Allow',
      Principal: { AWS: ['111111111111', '222222222222'] },
      Action: 'sns:Subscribe',
      Condition: { StringEquals: { 'sns:Protocol': ['sqs', 'lambda'] } },
    });
    expect(statementsOf('AllTopicPolicy')[1]).toMatchObject({
      Effect: 'Allow',
      Principal: { AWS: [ROLE] },
      Action: 'sns:Subscribe',
      Resource: { Ref: 'AllTopic' },
    });
  });

  it('grants each archive reader read-only access to its prefixes over TLS, and nothing else', () => {
    const statements = statementsOf('ArchiveBucketPolicy');
    expect(statements[0]).toMatchObject({ Sid: 'DenyInsecureTransport', Effect: 'Deny', Action: 's3:*' });
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(new Set(allows.flatMap((s) => [s.Action].flat()))).toEqual(
      new Set(['s3:GetObject', 's3:ListBucket', 's3:GetBucketLocation']),
    );
    for (const s of allows) expect(s.Condition).toMatchObject({ Bool: { 'aws:SecureTransport': 'true' } });
    const reads = (principal: string) =>
      allows
        .filter((s) => s.Action === 's3:GetObject' && (s.Principal as { AWS: string }).AWS === principal)
        .flatMap((s) => [s.Resource].flat().map(suffix));
    expect(reads('333333333333')).toEqual(['/hourly/*', '/manifests/*']);
    expect(reads(ROLE)).toEqual(['/hourly/*', '/manifests/*', '/raw/*', '/payloads/*']);
  });

  it("lets each archive reader decrypt with the archive key, through S3 only (the key's policy)", () => {
    const key = resources.ArchiveKey?.Properties.KeyPolicy as { Statement: Statement[] };
    const readers = key.Statement.filter((s) => s.Sid?.startsWith('ArchiveReader'));
    expect(readers).toEqual(
      ['333333333333', ROLE].map((principal, i) => ({
        Sid: `ArchiveReader${i + 1}Decrypts`,
        Effect: 'Allow',
        Principal: { AWS: principal },
        Action: 'kms:Decrypt',
        Resource: '*',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation substitution, not a JS template.
        Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Sub': 's3.${AWS::Region}.amazonaws.com' } } },
      })),
    );
  });

  it('refuses a grant it cannot express, naming the parameter', () => {
    const run = print(['archiveReaders=alice:hourly']);
    expect(run.status).not.toBe(0);
    expect(`${run.stdout}${run.stderr}`).toContain(
      'archiveReaders: "alice" is neither a 12-digit account ID nor a role ARN',
    );
  });
});
