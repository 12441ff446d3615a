import { PolicyConfigError, type PrivacyPolicy, parsePublicEvents } from '@github-webhooks/events';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export interface IngestionConfig {
  readonly archiveStreamName: string;
  readonly allTopicArn: string;
  readonly publicTopicArn: string;
  readonly archiveBucket: string;
  /** SSM parameter (SecureString) holding the webhook secrets, one per line or comma-separated. */
  readonly secretsParameter: string;
  readonly secretsTtlSeconds: number;
  readonly policy: PrivacyPolicy;
  readonly allowSha1: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Reads and validates the Lambda's environment once, at cold start; errors name the variable. */
export function readConfig(env: Env): IngestionConfig {
  return {
    archiveStreamName: required(env, 'ARCHIVE_STREAM_NAME'),
    allTopicArn: arn(env, 'ALL_TOPIC_ARN', 'sns'),
    publicTopicArn: arn(env, 'PUBLIC_TOPIC_ARN', 'sns'),
    archiveBucket: required(env, 'ARCHIVE_BUCKET'),
    secretsParameter: required(env, 'WEBHOOK_SECRETS_PARAMETER'),
    secretsTtlSeconds: integer(env, 'WEBHOOK_SECRETS_TTL_SECONDS', 300),
    policy: policy(env),
    allowSha1: boolean(env, 'ALLOW_SHA1_SIGNATURES', false),
  };
}

function required(env: Env, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigError(`${name} must be set`);
  return value;
}

function arn(env: Env, name: string, service: string): string {
  const value = required(env, name);
  if (!value.startsWith(`arn:aws:${service}:`) && !value.startsWith(`arn:aws-`)) {
    throw new ConfigError(`${name} must be an ${service.toUpperCase()} ARN, got ${JSON.stringify(value)}`);
  }
  return value;
}

function integer(env: Env, name: string, fallback: number): number {
  const value = env[name]?.trim();
  if (!value) return fallback;
  if (!/^\d+$/.test(value))
    throw new ConfigError(`${name} must be a whole number, got ${JSON.stringify(value)}`);
  return Number(value);
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const value = env[name]?.trim().toLowerCase();
  if (!value) return fallback;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new ConfigError(`${name} must be true or false, got ${JSON.stringify(value)}`);
}

function policy(env: Env): PrivacyPolicy {
  try {
    return parsePublicEvents(env.PUBLIC_EVENTS);
  } catch (error) {
    if (error instanceof PolicyConfigError)
      throw new ConfigError(`PUBLIC_EVENTS: ${error.message}`, { cause: error });
    throw error;
  }
}

/**
 * Secrets as stored in the parameter: one per line, or comma-separated when on a single line
 * (so a secret containing a comma can still be stored, one per line). Blank entries are ignored.
 */
export function parseSecretList(value: string): string[] {
  const secrets = value
    .split(value.includes('\n') ? '\n' : ',')
    .map((secret) => secret.trim())
    .filter((secret) => secret !== '');
  if (secrets.length === 0) throw new ConfigError('the webhook secrets parameter holds no secret');
  return secrets;
}
