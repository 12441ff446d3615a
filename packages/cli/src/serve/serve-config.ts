import { type PrivacyPolicy, parsePublicEvents } from '@github-webhooks/events';
import {
  DEFAULT_EXCHANGE_V1,
  DEFAULT_EXCHANGE_V2,
  EXCHANGE_DISABLED,
  type Exchanges,
} from '@github-webhooks/pulse-republisher';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface ServeConfig {
  readonly port: number;
  readonly host: string;
  /** Empty only with --insecure-no-signature. */
  readonly secrets: readonly string[];
  readonly archiveDir: string;
  readonly amqpUrl: string;
  readonly exchanges: Exchanges;
  readonly policy: PrivacyPolicy;
  /** How often the compactor runs; 0 turns it off. */
  readonly compactIntervalMs: number;
  /** How long after an hour ends it is compacted (late records, local files still open). */
  readonly latenessMs: number;
}

export interface ServeFlags {
  readonly port?: string | undefined;
  readonly host?: string | undefined;
  readonly secret?: readonly string[] | undefined;
  readonly archive?: string | undefined;
  readonly 'amqp-url'?: string | undefined;
  readonly exchange?: string | undefined;
  readonly 'exchange-v2'?: string | undefined;
  readonly 'public-events'?: string | undefined;
  readonly 'compact-every'?: string | undefined;
  readonly lateness?: string | undefined;
  readonly 'insecure-no-signature'?: boolean | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Flags win over the environment, which wins over the defaults. Errors name the setting. */
export function readServeConfig(flags: ServeFlags, env: Env): ServeConfig {
  const secrets = [...(flags.secret ?? []), ...splitList(env.WEBHOOK_SECRETS)];
  if (secrets.length === 0 && !flags['insecure-no-signature']) {
    throw new UsageError(
      'WEBHOOK_SECRETS (or --secret) must name at least one webhook secret; --insecure-no-signature accepts unsigned deliveries',
    );
  }
  return {
    port: integer('PORT', flags.port ?? env.PORT, 8080, 0, 65_535),
    host: flags.host ?? env.HOST ?? '0.0.0.0',
    secrets,
    archiveDir: flags.archive ?? env.ARCHIVE_DIR ?? './data',
    ...readPulseSettings(flags, env),
    compactIntervalMs:
      1000 *
      integer('COMPACT_EVERY_SECONDS', flags['compact-every'] ?? env.COMPACT_EVERY_SECONDS, 600, 0, 86_400),
    // At least 30 s: a delivery stamped just before the hour ends may still be on its way to disk (8 s deadline).
    latenessMs: 1000 * integer('LATENESS_SECONDS', flags.lateness ?? env.LATENESS_SECONDS, 120, 30, 86_400),
  };
}

export interface PulseSettings {
  readonly amqpUrl: string;
  readonly exchanges: Exchanges;
  readonly policy: PrivacyPolicy;
}

/** The broker, exchanges and allowlist, as `serve` and `replay` both take them (flag, then environment). */
export function readPulseSettings(
  flags: Pick<ServeFlags, 'amqp-url' | 'exchange' | 'exchange-v2' | 'public-events'>,
  env: Env,
): PulseSettings {
  const v2 = flags['exchange-v2'] ?? env.PULSE_EXCHANGE_V2 ?? DEFAULT_EXCHANGE_V2;
  return {
    amqpUrl: flags['amqp-url'] ?? env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
    exchanges: {
      v1: flags.exchange ?? env.PULSE_EXCHANGE ?? DEFAULT_EXCHANGE_V1,
      v2: v2 === EXCHANGE_DISABLED ? undefined : v2,
    },
    policy: policy(flags['public-events'] ?? env.PUBLIC_EVENTS),
  };
}

export function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

export function integer(
  name: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(
      `${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

function policy(list: string | undefined): PrivacyPolicy {
  try {
    return parsePublicEvents(list);
  } catch (error) {
    throw new UsageError(`PUBLIC_EVENTS: ${(error as Error).message}`);
  }
}
