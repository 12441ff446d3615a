import { join } from 'node:path';

// The plugin is CommonJS, as Serverless loads it.
const CheckWebhookSecrets = require('../plugins/check-webhook-secrets.cjs') as new (
  serverless: unknown,
  options: unknown,
  utils: unknown,
  run: (command: string, args: string[]) => { status: number; stdout: string; stderr: string },
) => { hooks: Record<string, () => void> };

class ServerlessError extends Error {}
const serverless = (custom: Record<string, unknown>) => ({
  service: { custom, provider: { region: 'eu-west-1' } },
  classes: { Error: ServerlessError },
});

describe('the check-webhook-secrets plugin', () => {
  it('runs github-webhooks check-secrets on the stack’s parameter before every deploy', () => {
    const calls: string[][] = [];
    const plugin = new CheckWebhookSecrets(
      serverless({ webhookSecretsParameter: '/github-webhooks/prod/webhook-secrets' }),
      {},
      {},
      (_node, args) => {
        calls.push(args);
        return { status: 0, stdout: 'ok', stderr: '' };
      },
    );
    plugin.hooks['before:deploy:deploy']?.();
    expect(calls).toEqual([
      [
        join(__dirname, '..', '..', '..', 'apps', 'cli', 'bin', 'github-webhooks.cjs'),
        'check-secrets',
        '--ssm-parameter',
        '/github-webhooks/prod/webhook-secrets',
        '--region',
        'eu-west-1',
      ],
    ]);
  });

  it('fails the deploy with the command’s reason', () => {
    const plugin = new CheckWebhookSecrets(serverless({ webhookSecretsParameter: '/p' }), {}, {}, () => ({
      status: 1,
      stdout: '',
      stderr:
        'github-webhooks check-secrets: SSM parameter /p: entry 1 has 4 characters; a webhook secret needs at least 8\n',
    }));
    expect(() => plugin.hooks['before:deploy:deploy']?.()).toThrow(
      /refusing to deploy: .*entry 1 has 4 characters/,
    );
  });

  it('refuses a stack that does not name its parameter', () => {
    const plugin = new CheckWebhookSecrets(serverless({}), {}, {}, () => ({
      status: 0,
      stdout: '',
      stderr: '',
    }));
    expect(() => plugin.hooks['before:deploy:deploy']?.()).toThrow(ServerlessError);
  });
});
