// The plugin is CommonJS, as Serverless loads it.
const CheckWebhookSecrets = require('../plugins/check-webhook-secrets.cjs') as new (
  serverless: unknown,
  options: unknown,
  utils: unknown,
) => { hooks: Record<string, () => Promise<void>> };

class ServerlessError extends Error {}

interface ProviderCall {
  readonly service: string;
  readonly method: string;
  readonly params: unknown;
}

/** Serverless as the plugin sees it: the stack's settings, and its AWS provider answering SSM. */
function deploy(custom: Record<string, unknown>, answer: (request: ProviderCall) => Promise<unknown>) {
  const requests: ProviderCall[] = [];
  const logged: string[] = [];
  const serverless = {
    service: { custom, provider: { region: 'eu-west-1' } },
    classes: { Error: ServerlessError },
    getProvider: (name: string) => {
      expect(name).toBe('aws');
      return {
        request: (service: string, method: string, params: unknown) => {
          requests.push({ service, method, params });
          return answer({ service, method, params });
        },
      };
    },
  };
  const log = {
    notice: (line: string) => logged.push(`notice ${line}`),
    warning: (line: string) => logged.push(`warning ${line}`),
  };
  const plugin = new CheckWebhookSecrets(serverless, {}, { log });
  return { run: () => plugin.hooks['before:deploy:deploy']?.(), requests, logged };
}

const holding = (value: string) => async () => ({ Parameter: { Value: value } });

describe('the check-webhook-secrets plugin', () => {
  it('checks the stack’s parameter, decrypted, before every deploy, never saying a secret', async () => {
    const check = deploy(
      { webhookSecretsParameter: '/github-webhooks/prod/webhook-secrets' },
      holding('a-current-secret-of-32-characters\ntwelve-chars'),
    );
    await check.run();
    expect(check.requests).toEqual([
      {
        service: 'SSM',
        method: 'getParameter',
        params: { Name: '/github-webhooks/prod/webhook-secrets', WithDecryption: true },
      },
    ]);
    expect(check.logged).toEqual([
      'warning SSM parameter /github-webhooks/prod/webhook-secrets: entry 2 has 12 characters; 16 or more is recommended',
      'notice SSM parameter /github-webhooks/prod/webhook-secrets: 2 secret(s), none shorter than 8 characters',
    ]);
  });

  it('fails the deploy with the reason: an entry too short', async () => {
    const check = deploy(
      { webhookSecretsParameter: '/p' },
      holding('a-current-secret-of-32-characters\nabcd'),
    );
    await expect(check.run()).rejects.toThrow(/refusing to deploy: .*entry 2 has 4 characters/);
    await expect(check.run()).rejects.toThrow(ServerlessError);
  });

  it('fails the deploy on a parameter holding no secret, or one it cannot read', async () => {
    await expect(deploy({ webhookSecretsParameter: '/p' }, holding(' \n ')).run()).rejects.toThrow(
      'refusing to deploy: SSM parameter /p holds no webhook secret',
    );
    const missing = deploy({ webhookSecretsParameter: '/p' }, () =>
      Promise.reject(Object.assign(new Error('Parameter /p not found.'), { code: 'ParameterNotFound' })),
    );
    await expect(missing.run()).rejects.toThrow(
      'refusing to deploy: cannot read SSM parameter /p: ParameterNotFound',
    );
  });

  it('refuses a stack that does not name its parameter', async () => {
    const check = deploy({}, holding('a-current-secret-of-32-characters'));
    await expect(check.run()).rejects.toThrow(ServerlessError);
    expect(check.requests).toEqual([]);
  });
});
