import { ConfigError } from './errors';
import { splitSecretList } from './secret-rules.cjs';

export {
  checkSecrets,
  describeRefused,
  describeWeak,
  MIN_SECRET_LENGTH,
  RECOMMENDED_SECRET_LENGTH,
  type SecretCheck,
  type SecretEntry,
} from './secret-rules.cjs';

/**
 * Webhook secrets as stored (an SSM parameter, an environment variable): one per line, or
 * comma-separated when on a single line (so a secret holding a comma can still be stored, one per
 * line). The first signs nothing; all verify, which is what makes a rotation possible. Blank
 * entries are ignored; none at all is refused.
 */
export function parseSecretList(value: string, source: string): string[] {
  const secrets = splitSecretList(value);
  if (secrets.length === 0) throw new ConfigError(source, `${source} holds no webhook secret`);
  return secrets;
}
