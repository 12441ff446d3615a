// The resolvers are CommonJS, as Serverless loads them.
const access = require('../consumer-access.cjs') as {
  parsePrincipals(parameter: string, text: string, options?: { anyone?: boolean }): string[];
  parseArchiveReaders(text: string): { principal: string; prefixes: string[] }[];
  publicTopicPolicy(ctx: { resolveVariable(v: string): Promise<string> }): Promise<Policy>;
  allTopicPolicy(ctx: { resolveVariable(v: string): Promise<string> }): Promise<Policy>;
  archiveBucketPolicy(ctx: { resolveVariable(v: string): Promise<string> }): Promise<Policy>;
  archiveKeyPolicy(ctx: { resolveVariable(v: string): Promise<string> }): Promise<Policy>;
};
interface Statement {
  Sid: string;
  Effect: string;
  Principal: unknown;
  Action: string;
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}
interface Policy {
  Statement: Statement[];
}

const ROLE = 'arn:aws:iam::210987654321:role/security-team';
const params = (values: Record<string, string>) => ({
  resolveVariable: async (v: string) => values[v.replace(/^param:/, '')] ?? '',
});

describe('consumer-access', () => {
  it.each([
    ['', false, []],
    ['none', false, []],
    ['123456789012', false, ['123456789012']],
    [` 123456789012 , ${ROLE},123456789012`, false, ['123456789012', ROLE]],
    ['*', true, ['*']],
  ])('parsePrincipals(%j, anyone: %s) → %j', (text, anyone, expected) => {
    expect(access.parsePrincipals('p', text, { anyone })).toEqual(expected);
  });

  it.each([
    ['*', false, /p: "\*" is neither/],
    ['12345', false, /p: "12345" is neither a 12-digit account ID nor a role ARN/],
    ['arn:aws:iam::123456789012:user/alice', false, /neither/],
    ['*,123456789012', true, /"\*" \(anyone\) stands alone/],
  ])('parsePrincipals(%j) refuses, naming the parameter', (text, anyone, message) => {
    expect(() => access.parsePrincipals('p', text, { anyone })).toThrow(message);
  });

  it.each([
    ['123456789012', [{ principal: '123456789012', prefixes: ['hourly'] }]],
    [
      '123456789012:hourly+raw+payloads',
      [{ principal: '123456789012', prefixes: ['hourly', 'raw', 'payloads'] }],
    ],
    [ROLE, [{ principal: ROLE, prefixes: ['hourly'] }]],
    [
      `${ROLE}:payloads, 123456789012`,
      [
        { principal: ROLE, prefixes: ['payloads'] },
        { principal: '123456789012', prefixes: ['hourly'] },
      ],
    ],
  ])('parseArchiveReaders(%j)', (text, expected) => {
    expect(access.parseArchiveReaders(text)).toEqual(expected);
  });

  it.each([
    ['123456789012:quarantine', /archiveReaders: unknown prefix "quarantine"/],
    ['*:hourly', /archiveReaders: "\*" is neither/],
  ])('parseArchiveReaders(%j) refuses', (text, message) => {
    expect(() => access.parseArchiveReaders(text)).toThrow(message);
  });

  it('lets anyone subscribe to the public topic by default, with sqs or lambda only; publishing stays ingestion’s', async () => {
    const policy = await access.publicTopicPolicy(
      params({ publicTopicSubscribers: '*', 'sls:stage': 'prod' }),
    );
    expect(policy.Statement).toEqual([
      expect.objectContaining({ Effect: 'Deny', Action: 'sns:Publish', Resource: [{ Ref: 'PublicTopic' }] }),
      // SNS would send a SubscriptionConfirmation into the queue named: never this deployment's, from elsewhere.
      {
        Sid: 'OwnQueuesOnlyByThisAccount',
        Effect: 'Deny',
        Principal: '*',
        Action: 'sns:Subscribe',
        Resource: { Ref: 'PublicTopic' },
        Condition: {
          StringLike: {
            'sns:Endpoint': {
              'Fn::Sub': `arn:\${AWS::Partition}:sqs:\${AWS::Region}:\${AWS::AccountId}:github-webhooks-prod-*`,
            },
          },
          StringNotEquals: { 'aws:PrincipalAccount': { Ref: 'AWS::AccountId' } },
        },
      },
      {
        Sid: 'AnyoneSubscribesWithoutCost',
        Effect: 'Allow',
        Principal: '*',
        Action: 'sns:Subscribe',
        Resource: { Ref: 'PublicTopic' },
        Condition: { StringEquals: { 'sns:Protocol': ['sqs', 'lambda'] } },
      },
    ]);
  });

  it('lets only the named principals subscribe to the all topic, and nobody by default', async () => {
    expect((await access.allTopicPolicy(params({}))).Statement.map((s) => s.Effect)).toEqual(['Deny']);
    const granted = await access.allTopicPolicy(params({ allTopicSubscribers: `123456789012,${ROLE}` }));
    expect(granted.Statement[1]).toMatchObject({
      Effect: 'Allow',
      Principal: { AWS: ['123456789012', ROLE] },
      Action: 'sns:Subscribe',
      Resource: { Ref: 'AllTopic' },
      Condition: { StringEquals: { 'sns:Protocol': ['sqs', 'lambda'] } },
    });
    await expect(access.allTopicPolicy(params({ allTopicSubscribers: '*' }))).rejects.toThrow(
      /allTopicSubscribers/,
    );
  });

  it('grants archive readers read-only access to their prefixes, over TLS only', async () => {
    const none = await access.archiveBucketPolicy(params({}));
    expect(none.Statement.map((s) => s.Sid)).toEqual(['DenyInsecureTransport', 'DenyOtherEncryption']);
    expect(none.Statement[1]).toMatchObject({
      Effect: 'Deny',
      Action: 's3:PutObject',
      Condition: {
        StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' },
        Null: { 's3:x-amz-server-side-encryption': 'false' },
      },
    });
    const policy = await access.archiveBucketPolicy(params({ archiveReaders: '123456789012:raw+hourly' }));
    const allows = policy.Statement.filter((s) => s.Effect === 'Allow');
    expect(allows.map((s) => s.Action).sort()).toEqual([
      's3:GetBucketLocation',
      's3:GetObject',
      's3:ListBucket',
    ]);
    for (const s of allows) {
      expect(s.Principal).toEqual({ AWS: '123456789012' });
      expect(s.Condition?.Bool).toEqual({ 'aws:SecureTransport': 'true' });
    }
    const suffix = (r: unknown) => (r as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1][1] as string;
    const read = allows.find((s) => s.Action === 's3:GetObject') as Statement;
    expect((read.Resource as unknown[]).map(suffix)).toEqual(['/raw/*', '/hourly/*', '/manifests/*']);
    const listing = allows.find((s) => s.Action === 's3:ListBucket') as Statement;
    expect(listing.Condition?.StringLike).toEqual({ 's3:prefix': ['raw/*', 'hourly/*', 'manifests/*'] });
  });

  it("names in the archive key's policy the roles of every stack (by their fixed names), the logs service and each archive reader", async () => {
    const policy = await access.archiveKeyPolicy(
      params({
        'sls:stage': 'prod',
        'opt:region, self:provider.region': 'eu-west-1',
        archiveReaders: `123456789012:raw,${ROLE}`,
      }),
    );
    expect(policy.Statement.map((s) => s.Sid)).toEqual([
      'AccountAdministers',
      'ArchiveRolesThroughS3',
      'CloudWatchLogsEncryptsLogGroups',
      'ArchiveReader1Decrypts',
      'ArchiveReader2Decrypts',
    ]);
    const roles = policy.Statement[1]?.Condition?.ArnEquals?.['aws:PrincipalArn'] as { 'Fn::Sub': string }[];
    expect(roles.map((r) => r['Fn::Sub'].split(':role/')[1])).toEqual(
      ['ingestion', 'firehose', 'republisher', 'compactor', 'reconciler'].map(
        (role) => `github-webhooks-prod-eu-west-1-${role}`,
      ),
    );
    expect(policy.Statement[1]?.Condition?.StringEquals).toEqual({
      'kms:CallerAccount': { Ref: 'AWS::AccountId' },
      'kms:ViaService': { 'Fn::Sub': `s3.\${AWS::Region}.amazonaws.com` },
    });
    expect(policy.Statement.slice(3).map((s) => [s.Principal, s.Action])).toEqual([
      [{ AWS: '123456789012' }, 'kms:Decrypt'],
      [{ AWS: ROLE }, 'kms:Decrypt'],
    ]);
  });
});
