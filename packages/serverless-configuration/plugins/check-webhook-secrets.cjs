// A Serverless plugin for the ingestion stack: before every deploy it reads the stack's webhook
// secrets parameter (with the deploy's own credentials and region) and checks it as
// `github-webhooks check-secrets` does, so a deploy with an empty or trivial secret in SSM fails
// instead of shipping (the Lambda would refuse it anyway). The rules live in one place,
// @github-webhooks/runtime's secret-rules, which the command and the Lambda use too.
const {
  checkSecrets,
  describeRefused,
  describeWeak,
  splitSecretList,
} = require('@github-webhooks/runtime/secret-rules');

class CheckWebhookSecrets {
  constructor(serverless, _options, { log } = {}) {
    this.serverless = serverless;
    this.log = log;
    this.hooks = { 'before:deploy:deploy': () => this.check() };
  }

  async check() {
    const parameter = this.serverless.service.custom?.webhookSecretsParameter;
    if (typeof parameter !== 'string' || parameter === '') {
      throw new this.serverless.classes.Error(
        'custom.webhookSecretsParameter must name the webhook secrets parameter',
      );
    }
    const source = `SSM parameter ${parameter}`;
    const secrets = splitSecretList(await this.read(parameter));
    if (secrets.length === 0) this.refuse(`${source} holds no webhook secret`);
    const check = checkSecrets(secrets);
    if (check.refused.length > 0) this.refuse(describeRefused(source, check.refused));
    for (const entry of check.weak) this.log?.warning?.(`${source}: ${describeWeak(entry)}`);
    this.log?.notice?.(`${source}: ${check.usable.length} secret(s), none shorter than 8 characters`);
  }

  async read(parameter) {
    try {
      const output = await this.serverless
        .getProvider('aws')
        .request('SSM', 'getParameter', { Name: parameter, WithDecryption: true });
      return output?.Parameter?.Value ?? '';
    } catch (error) {
      // The error's code only (ParameterNotFound, AccessDeniedException): never what it read.
      return this.refuse(`cannot read SSM parameter ${parameter}: ${error?.code ?? error?.name ?? 'error'}`);
    }
  }

  refuse(reason) {
    throw new this.serverless.classes.Error(`refusing to deploy: ${reason}`);
  }
}

module.exports = CheckWebhookSecrets;
