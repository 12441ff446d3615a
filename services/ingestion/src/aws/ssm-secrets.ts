import { getParameter } from '@aws-lambda-powertools/parameters/ssm';
import { parseSecretList } from '@github-webhooks/runtime';
import type { SecretsSource } from '../ports';

/**
 * Webhook secrets from an SSM SecureString, fetched at first use and cached for `ttlSeconds`
 * (Powertools' parameter cache), so a rotation reaches warm containers without a deploy.
 */
export function ssmSecrets(parameterName: string, ttlSeconds: number): SecretsSource {
  return async () => {
    const value = await getParameter(parameterName, { decrypt: true, maxAge: ttlSeconds });
    if (typeof value !== 'string') throw new Error(`SSM parameter ${parameterName} not found`);
    return parseSecretList(value, `SSM parameter ${parameterName}`);
  };
}
