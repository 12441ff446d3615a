// The resolvers are CommonJS, as Serverless loads them.
const naming = require('../naming.cjs') as {
  MAX_STAGE_LENGTH: number;
  checkStage(stage: string): string;
  names: {
    roleName(stage: string, region: string, role: string): string;
    queryDatabase(stage: string): string;
    queuePrefix(stage: string): string;
  };
  roleName(ctx: { resolveVariable(v: string): Promise<string> }): Promise<string>;
  firehoseRoleName(ctx: { resolveVariable(v: string): Promise<string> }): Promise<string>;
  queryDatabase(ctx: { resolveVariable(v: string): Promise<string> }): Promise<string>;
};

const variables = (values: Record<string, string>) => ({
  resolveVariable: async (v: string) => {
    const value = values[v];
    if (value === undefined) throw new Error(`no variable ${v}`);
    return value;
  },
});

describe('naming', () => {
  it('allows stages of up to 16 characters: lowercase letters, digits, single hyphens, a letter first', () => {
    expect(naming.MAX_STAGE_LENGTH).toBe(16);
    for (const stage of ['dev', 'prod', 'pr-1234', 'a', 'longest-xxxxxxxx'])
      expect(naming.checkStage(stage)).toBe(stage);
  });

  it.each([
    ['longer-than-16-ch', '17 characters'],
    ['Prod', 'uppercase (bucket names are lowercase)'],
    ['1st', 'a digit first'],
    ['my_stage', 'an underscore'],
    ['a--b', 'two hyphens'],
    ['dev-', 'a trailing hyphen'],
    ['', 'nothing'],
  ])('refuses %j (%s), saying what a stage may be', (stage) => {
    expect(() => naming.checkStage(stage)).toThrow(
      `stage ${JSON.stringify(stage)} cannot name this system's AWS resources: a stage is 1 to 16 characters`,
    );
  });

  it('names roles github-webhooks-<stage>-<region>-<role>, within 64 characters at the longest stage and region', () => {
    expect(naming.names.roleName('prod', 'us-east-1', 'compactor')).toBe(
      'github-webhooks-prod-us-east-1-compactor',
    );
    expect(
      naming.names.roleName('longest-xxxxxxxx', 'ap-southeast-2', 'republisher').length,
    ).toBeLessThanOrEqual(64);
  });

  it("gives each stage its Glue database (one per account and region), as Athena's names go", () => {
    expect(naming.names.queryDatabase('prod')).toBe('github_webhooks_prod');
    expect(naming.names.queryDatabase('pr-12')).toBe('github_webhooks_pr_12');
  });

  it('resolves for serverless.yml from the service, stage and region, and refuses an unknown service', async () => {
    const of = (service: string) =>
      variables({
        'self:service': service,
        'sls:stage': 'dev',
        'opt:region, self:provider.region': 'eu-west-1',
      });
    expect(await naming.roleName(of('github-webhooks-delivery-reconciler'))).toBe(
      'github-webhooks-dev-eu-west-1-reconciler',
    );
    expect(await naming.roleName(of('github-webhooks-pulse-republisher'))).toBe(
      'github-webhooks-dev-eu-west-1-republisher',
    );
    expect(await naming.firehoseRoleName(of('github-webhooks-ingestion'))).toBe(
      'github-webhooks-dev-eu-west-1-firehose',
    );
    expect(await naming.queryDatabase(of('github-webhooks-archive-compactor'))).toBe('github_webhooks_dev');
    await expect(naming.roleName(of('github-webhooks-other'))).rejects.toThrow('naming.cjs knows no service');
    await expect(
      naming.roleName(variables({ 'self:service': 'github-webhooks-ingestion', 'sls:stage': 'Staging' })),
    ).rejects.toThrow('cannot name');
  });
});
