import { SsmStandIn } from '@github-webhooks/fixtures';
import { RecordingLogger, RecordingMetrics } from '@github-webhooks/runtime/testing';
import type { IngestionMetric } from '../src';
import { ssmSecrets } from '../src/aws/ssm-secrets';

let ssm: SsmStandIn;
const saved = { ...process.env };
beforeAll(async () => {
  ssm = await SsmStandIn.start();
  // The SDK's real SSM client, pointed at the stand-in (as AWS_ENDPOINT_URL_<SERVICE> allows).
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SSM: ssm.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
  });
});
afterAll(async () => {
  process.env = saved;
  await ssm.close();
});

const monitor = () => ({ logger: new RecordingLogger(), metrics: new RecordingMetrics<IngestionMetric>() });

describe('ssmSecrets', () => {
  it('reads the SecureString with decryption once, then serves it from the cache', async () => {
    ssm.put('/gw/test/secrets-1', { value: 'new-secret-of-24-chars!!\nold-secret-of-24-chars!!' });
    const secrets = ssmSecrets('/gw/test/secrets-1', 300, monitor());
    expect(await secrets()).toEqual(['new-secret-of-24-chars!!', 'old-secret-of-24-chars!!']);
    expect(await secrets()).toHaveLength(2);
    const reads = ssm.requests.filter((r) => r.body.Name === '/gw/test/secrets-1');
    expect(reads).toEqual([
      { target: 'AmazonSSM.GetParameter', body: { Name: '/gw/test/secrets-1', WithDecryption: true } },
    ]);
  });

  it('fails when the parameter does not exist', async () => {
    await expect(ssmSecrets('/gw/test/missing', 300, monitor())()).rejects.toThrow(
      'cannot read SSM parameter /gw/test/missing: ParameterNotFound',
    );
  });

  it('never uses an entry shorter than 8 characters: counts it on every read, logs it once', async () => {
    ssm.put('/gw/test/secrets-3', { value: 'typo\na-good-and-long-secret' });
    const watched = monitor();
    const secrets = ssmSecrets('/gw/test/secrets-3', 300, watched);
    expect(await secrets()).toEqual(['a-good-and-long-secret']);
    expect(await secrets()).toEqual(['a-good-and-long-secret']);
    expect(watched.metrics.get('SecretRefused')).toBe(2);
    const errors = watched.logger.lines.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.fields.reason).toMatch(/entry 1 has 4 characters/);
    expect(JSON.stringify(watched.logger.lines)).not.toContain('typo');
  });

  it('warns about a usable secret shorter than 16 characters', async () => {
    ssm.put('/gw/test/secrets-4', { value: 'twelve-chars' });
    const watched = monitor();
    expect(await ssmSecrets('/gw/test/secrets-4', 300, watched)()).toEqual(['twelve-chars']);
    expect(watched.logger.lines).toMatchObject([{ level: 'warn', fields: { entry: 1, length: 12 } }]);
  });

  it.each([[''], ['short'], [' , ']])(
    'refuses a parameter with no usable secret (%j): the endpoint stays closed',
    async (value) => {
      const name = `/gw/test/unusable-${value.length}-${value.trim().length}`;
      ssm.put(name, { value: value === '' ? ' ' : value });
      await expect(ssmSecrets(name, 300, monitor())()).rejects.toThrow(/holds no (usable|webhook) secret/);
    },
  );
});
