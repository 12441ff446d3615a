import { PolicyConfigError, type PrivacyPolicy, parsePublicEvents } from '@github-webhooks/events';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    /** The environment variable (or parameter) at fault. */
    readonly variable: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${variable} ${message}`, options);
  }
}

export const DEFAULT_EXCHANGE_V1 = 'exchange/github-webhooks/v1';
export const DEFAULT_EXCHANGE_V2 = 'exchange/github-webhooks/v2';
/** The PULSE_EXCHANGE_V2 value that turns the v2 exchange off. */
export const EXCHANGE_DISABLED = 'off';

export interface Exchanges {
  /** `<owner>/<repo>/<event>` routing keys, as the original system published. */
  readonly v1: string;
  /** `<owner>.<repo>.<event>[.<action>]` routing keys; undefined when disabled. */
  readonly v2: string | undefined;
}

export interface RepublisherConfig {
  /** Name of the SSM SecureString holding the full AMQP URL (user, password, host, vhost). */
  readonly amqpUrlParameter: string;
  /** How long the URL read from SSM is cached before it is read again. */
  readonly amqpUrlMaxAgeSeconds: number;
  /** Bucket of the archive, where oversize payloads are stored by reference. */
  readonly archiveBucket: string;
  readonly exchanges: Exchanges;
  /** Assert the exchanges (topic, durable) on each new connection. */
  readonly declareExchanges: boolean;
  readonly policy: PrivacyPolicy;
  /** Most publishes awaiting their confirm at once. */
  readonly publishWindow: number;
  readonly confirmTimeoutMs: number;
  readonly connectTimeoutMs: number;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Reads and validates the Lambda's environment once, at cold start; errors name the variable. */
export function readConfig(env: Env): RepublisherConfig {
  const v1 = exchangeName(env, 'PULSE_EXCHANGE_V1', DEFAULT_EXCHANGE_V1);
  const v2Setting = env.PULSE_EXCHANGE_V2?.trim();
  const v2 =
    v2Setting?.toLowerCase() === EXCHANGE_DISABLED
      ? undefined
      : exchangeName(env, 'PULSE_EXCHANGE_V2', DEFAULT_EXCHANGE_V2);
  if (v2 === v1) throw new ConfigError('PULSE_EXCHANGE_V2', `must differ from PULSE_EXCHANGE_V1 (${v1})`);
  return {
    amqpUrlParameter: parameterName(env, 'AMQP_URL_PARAMETER'),
    amqpUrlMaxAgeSeconds: integer(env, 'AMQP_URL_MAX_AGE_SECONDS', 300, 0, 86_400),
    archiveBucket: bucketName(env, 'ARCHIVE_BUCKET'),
    exchanges: { v1, v2 },
    declareExchanges: boolean(env, 'PULSE_DECLARE_EXCHANGES', true),
    policy: policy(env),
    publishWindow: integer(env, 'PUBLISH_WINDOW', 32, 1, 1_000),
    confirmTimeoutMs: integer(env, 'CONFIRM_TIMEOUT_MS', 10_000, 100, 600_000),
    connectTimeoutMs: integer(env, 'CONNECT_TIMEOUT_MS', 5_000, 100, 600_000),
  };
}

function required(env: Env, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigError(name, 'must be set');
  return value;
}

function parameterName(env: Env, name: string): string {
  const value = required(env, name);
  if (!/^\/[A-Za-z0-9_.\-/]{1,1010}$/.test(value)) {
    throw new ConfigError(
      name,
      `must be an SSM parameter name starting with /, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function bucketName(env: Env, name: string): string {
  const value = required(env, name);
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(value)) {
    throw new ConfigError(name, `must be an S3 bucket name, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** AMQP allows up to 255 bytes; Pulse names look like `exchange/<user>/<name>`. */
function exchangeName(env: Env, name: string, fallback: string): string {
  const value = env[name]?.trim() || fallback;
  if (!/^[A-Za-z0-9_.:/-]{1,255}$/.test(value) || value.startsWith('amq.')) {
    throw new ConfigError(
      name,
      `must be an exchange name (letters, digits, _ . : / -), got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = env[name]?.trim();
  if (!value) return fallback;
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < min || number > max) {
    throw new ConfigError(name, `must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return number;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const value = env[name]?.trim().toLowerCase();
  if (!value) return fallback;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new ConfigError(name, `must be true or false, got ${JSON.stringify(value)}`);
}

function policy(env: Env): PrivacyPolicy {
  try {
    return parsePublicEvents(env.PUBLIC_EVENTS);
  } catch (error) {
    if (error instanceof PolicyConfigError) {
      throw new ConfigError('PUBLIC_EVENTS', `is invalid: ${error.message}`, { cause: error });
    }
    throw error;
  }
}
