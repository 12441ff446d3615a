import { Account, packagedStacks } from './support/account';
import { evaluate, type IamRequest } from './support/iam-evaluation';

// The evaluation itself, on the packaged templates (CloudFormation's names for every resource):
// what it must refuse, it refuses, and it says why.

const account = new Account(packagedStacks(), () => undefined);

const request = (
  stack: string,
  action: string,
  resource: string,
  context: Record<string, string> = {},
): IamRequest => {
  const fn = account.function(stack);
  return {
    who: stack,
    call: 'a call of the test',
    requester: { kind: 'role', role: fn.role, session: fn.name },
    action,
    resource,
    context,
    source: 'recorded',
    account,
  };
};

const bucket = () => account.resource('ingestion', 'ArchiveBucket').name;

describe('the IAM evaluation of a call', () => {
  it('allows what the role grants, on the wired resources', async () => {
    const verdict = await evaluate(
      request('ingestion', 's3:PutObject', `arn:aws:s3:::${bucket()}/payloads/x.json.gz`),
    );
    expect(verdict.result).toBe('Allowed');
    expect(verdict.used.length).toBeGreaterThan(0);
  });

  it('refuses what no statement grants, naming the role and the statement to add', async () => {
    const verdict = await evaluate(
      request('ingestion', 's3:GetObject', `arn:aws:s3:::${bucket()}/hourly/x.ndjson.gz`),
    );
    expect(verdict.result).toBe('ImplicitlyDenied');
    expect(verdict.explanation).toContain('missing in the role IamRoleLambdaExecution of ingestion');
    expect(verdict.explanation).toContain('"Action":"s3:GetObject"');
  });

  it('refuses a listing outside the granted prefixes (the s3:prefix condition)', async () => {
    const granted = await evaluate(
      request('pulse-republisher', 's3:ListBucket', `arn:aws:s3:::${bucket()}`, {
        's3:prefix': 'payloads/abc',
      }),
    );
    expect(granted.result).toBe('Allowed');
    const refused = await evaluate(
      request('pulse-republisher', 's3:ListBucket', `arn:aws:s3:::${bucket()}`, { 's3:prefix': 'raw/2026/' }),
    );
    expect(refused.result).toBe('ImplicitlyDenied');
    expect(refused.explanation).toContain('near miss');
  });

  it("refuses, by the topic policy's deny, a publish by any role but ingestion's", async () => {
    const topic = account.resource('ingestion', 'PublicTopic').arn;
    const verdict = await evaluate({
      ...request('pulse-republisher', 'sns:Publish', topic),
      // Even a role whose own policy allows it.
      requester: {
        kind: 'role',
        role: {
          ...account.function('pulse-republisher').role,
          policies: [
            {
              name: 'allow-all',
              policy: { Statement: [{ Effect: 'Allow', Action: 'sns:Publish', Resource: '*' }] },
            },
          ],
        },
        session: 'x',
      },
    });
    expect(verdict.result).toBe('ExplicitlyDenied');
    expect(verdict.explanation).toContain('denied by the resource policy');
  });

  it('carries KMS encryption context keys through to the key policy', async () => {
    const key = account.resource('ingestion', 'ArchiveKey');
    const keyPolicy = account.resourcePolicyFor(key.arn);
    if (keyPolicy === undefined) return; // a template without the archive's key
    const verdict = await evaluate({
      ...request('ingestion', 'kms:GenerateDataKey', key.arn, {
        'kms:ViaService': 's3.us-east-1.amazonaws.com',
        'kms:CallerAccount': '000000000000',
        'kms:EncryptionContext:aws:s3:arn': `arn:aws:s3:::${bucket()}`,
      }),
    });
    expect(verdict.result).toBe('Allowed');
  });
});
