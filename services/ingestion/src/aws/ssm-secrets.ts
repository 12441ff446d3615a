import {
  ConfigError,
  checkSecrets,
  describeRefused,
  type Logger,
  parseSecretList,
} from '@github-webhooks/runtime';
import { readSecureString } from '@github-webhooks/runtime/secure-string';
import type { IngestionMetrics, SecretsSource } from '../ports';

/**
 * Webhook secrets from an SSM SecureString, fetched at first use and cached for `ttlSeconds`
 * (Powertools' parameter cache), so a rotation reaches warm containers without a deploy. An entry
 * too short to be a secret is never used: counted on every read (SecretRefused, alarmed) and logged
 * once per value, so a typo in the parameter can neither open the door nor, while another entry is
 * good, take the endpoint down.
 */
export function ssmSecrets(
  parameterName: string,
  ttlSeconds: number,
  monitor: { readonly logger: Logger; readonly metrics: IngestionMetrics },
): SecretsSource {
  const source = `SSM parameter ${parameterName}`;
  let reported: string | undefined;
  return async () => {
    const value = await readSecureString(parameterName, {
      variable: 'WEBHOOK_SECRETS_PARAMETER',
      maxAgeSeconds: ttlSeconds,
      emptyAllowed: true,
    });
    const check = checkSecrets(parseSecretList(value, source));
    if (check.refused.length > 0) monitor.metrics.count('SecretRefused');
    if (reported !== value) {
      reported = value;
      if (check.refused.length > 0) {
        monitor.logger.error('webhook secrets refused', { reason: describeRefused(source, check.refused) });
      }
      for (const entry of check.weak) {
        monitor.logger.warn('webhook secret shorter than recommended', {
          entry: entry.index + 1,
          length: entry.length,
        });
      }
    }
    if (check.usable.length === 0)
      throw new ConfigError('WEBHOOK_SECRETS_PARAMETER', `${source} holds no usable secret`);
    return check.usable;
  };
}
