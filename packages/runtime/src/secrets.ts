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

/** Shorter than this, a webhook secret is refused: it can be guessed (an empty one signs anything). */
export const MIN_SECRET_LENGTH = 8;
/** Shorter than this, a webhook secret is accepted with a warning. */
export const RECOMMENDED_SECRET_LENGTH = 16;

export interface SecretEntry {
  /** Position in the list (0: the current secret). */
  readonly index: number;
  readonly length: number;
}

export interface SecretCheck {
  /** The secrets that may verify deliveries, in their order. */
  readonly usable: readonly string[];
  /** Entries shorter than MIN_SECRET_LENGTH: never used. */
  readonly refused: readonly SecretEntry[];
  /** Usable entries shorter than RECOMMENDED_SECRET_LENGTH. */
  readonly weak: readonly SecretEntry[];
}

/** Sorts a secret list into what may be used and what is refused or weak; it never says a secret. */
export function checkSecrets(secrets: readonly string[]): SecretCheck {
  const usable: string[] = [];
  const refused: SecretEntry[] = [];
  const weak: SecretEntry[] = [];
  for (const [index, secret] of secrets.entries()) {
    const entry = { index, length: secret.length };
    if (secret.length < MIN_SECRET_LENGTH) {
      refused.push(entry);
      continue;
    }
    usable.push(secret);
    if (secret.length < RECOMMENDED_SECRET_LENGTH) weak.push(entry);
  }
  return { usable, refused, weak };
}

/** One line about refused entries, for errors and logs. */
export const describeRefused = (source: string, refused: readonly SecretEntry[]): string =>
  `${source}: ${refused.map((e) => `entry ${e.index + 1} has ${e.length} characters`).join(', ')}; a webhook secret needs at least ${MIN_SECRET_LENGTH}`;
