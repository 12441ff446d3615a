import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import {
  checkSecrets,
  describeError,
  describeRefused,
  describeWeak,
  parseSecretList,
} from '@github-webhooks/runtime';
import { defineCommand } from '../command';
import { UsageError } from '../errors';
import { optionsHelp, parseOptions, type SettingSpec } from '../settings/declare';

/** Every option of `check-secrets`, in the order `--help` and the docs list them. */
export const CHECK_SECRETS_SETTINGS = [
  {
    flag: 'ssm-parameter',
    kind: 'string',
    value: 'NAME',
    required: true,
    help: 'the SecureString, e.g. /github-webhooks/prod/webhook-secrets',
  },
  { flag: 'region', kind: 'string', value: 'REGION', help: "default: the SDK's (AWS_REGION)" },
] as const satisfies readonly SettingSpec[];

export const checkSecretsCommand = defineCommand({
  name: 'check-secrets',
  summary: 'check the webhook secrets in SSM before a deploy (refuses any shorter than 8 characters)',
  help: `Usage: github-webhooks check-secrets --ssm-parameter NAME [--region REGION]

Reads the SSM SecureString holding the webhook secrets (one per line) and exits 1 when any entry is
shorter than 8 characters (an empty or trivial HMAC key lets anyone sign), warning about entries
shorter than 16. The ingestion stack runs it before every deploy. Never prints a secret.

${optionsHelp(CHECK_SECRETS_SETTINGS)}`,
  options: parseOptions(CHECK_SECRETS_SETTINGS),
  async run(values) {
    const name = values['ssm-parameter'];
    if (!name) throw new UsageError('--ssm-parameter is required');
    const client = new SSMClient(values.region === undefined ? {} : { region: values.region });
    let value: string | undefined;
    try {
      const output = await client.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
      value = output.Parameter?.Value;
    } catch (error) {
      console.error(
        `github-webhooks check-secrets: cannot read SSM parameter ${name}: ${describeError(error).name}`,
      );
      return 1;
    } finally {
      client.destroy();
    }
    const source = `SSM parameter ${name}`;
    const check = checkSecrets(parseSecretList(value ?? '', source));
    if (check.refused.length > 0) {
      console.error(`github-webhooks check-secrets: ${describeRefused(source, check.refused)}`);
      return 1;
    }
    for (const entry of check.weak) {
      console.error(`github-webhooks check-secrets: warning: ${describeWeak(entry)}`);
    }
    console.log(`${source}: ${check.usable.length} secret(s), none shorter than 8 characters`);
    return 0;
  },
});
