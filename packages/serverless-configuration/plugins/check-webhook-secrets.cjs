// A Serverless plugin for the ingestion stack: before every deploy it runs
// `github-webhooks check-secrets` on the stack's webhook secrets parameter, so a deploy with an
// empty or trivial secret in SSM fails instead of shipping (the Lambda would refuse it anyway).
// The rule itself lives in one place, packages/runtime (checkSecrets), behind that command.
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

const CLI = join(__dirname, '..', '..', '..', 'apps', 'cli', 'bin', 'github-webhooks.cjs');

class CheckWebhookSecrets {
  constructor(serverless, _options, { log } = {}, run = spawnSync) {
    this.serverless = serverless;
    this.log = log;
    this.run = run;
    this.hooks = { 'before:deploy:deploy': () => this.check() };
  }

  check() {
    const service = this.serverless.service;
    const parameter = service.custom?.webhookSecretsParameter;
    if (typeof parameter !== 'string' || parameter === '') {
      throw new this.serverless.classes.Error(
        'custom.webhookSecretsParameter must name the webhook secrets parameter',
      );
    }
    const region = service.provider.region;
    const result = this.run(
      process.execPath,
      [CLI, 'check-secrets', '--ssm-parameter', parameter, '--region', region],
      {
        encoding: 'utf8',
        env: process.env,
      },
    );
    if (result.status !== 0) {
      const reason = `${result.stderr ?? ''}`.trim() || `exit ${result.status}`;
      throw new this.serverless.classes.Error(`refusing to deploy: ${reason}`);
    }
    this.log?.notice?.(`${result.stdout ?? ''}`.trim());
  }
}

module.exports = CheckWebhookSecrets;
