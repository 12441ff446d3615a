import { ConfigError } from './errors';

/**
 * Webhook secrets as stored (an SSM parameter, an environment variable): one per line, or
 * comma-separated when on a single line (so a secret holding a comma can still be stored, one per
 * line). The first signs nothing; all verify, which is what makes a rotation possible. Blank
 * entries are ignored; none at all is refused.
 */
export function parseSecretList(value: string, source: string): string[] {
  const secrets = value
    .split(value.includes('\n') ? '\n' : ',')
    .map((secret) => secret.trim())
    .filter((secret) => secret !== '');
  if (secrets.length === 0) throw new ConfigError(source, `${source} holds no webhook secret`);
  return secrets;
}
