import { type PrivacyPolicy, parsePublicEvents } from '@github-webhooks/events';
import { type Exchanges, readExchanges } from '@github-webhooks/pulse';
import { checkSecrets, describeRefused, type Env, type Settings, splitList } from '@github-webhooks/runtime';
import { commandSettings } from '../command';
import { UsageError } from '../errors';

export interface ServeConfig {
  readonly port: number;
  readonly host: string;
  /** Empty only with --insecure-no-signature. */
  readonly secrets: readonly string[];
  /** Secrets shorter than recommended (warned about at start). */
  readonly weakSecrets: number;
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

/** The broker, exchanges and allowlist flags that serve, replay and listen share, and their variables. */
export const PULSE_FLAGS = {
  'amqp-url': 'AMQP_URL',
  exchange: 'PULSE_EXCHANGE',
  'exchange-v2': 'PULSE_EXCHANGE_V2',
  'public-events': 'PUBLIC_EVENTS',
} as const;

/** Each flag stands for the environment variable of the same setting (the Lambdas' names). */
export const SERVE_FLAGS = {
  ...PULSE_FLAGS,
  port: 'PORT',
  host: 'HOST',
  archive: 'ARCHIVE_DIR',
  'compact-every': 'COMPACT_EVERY_SECONDS',
  lateness: 'LATENESS_SECONDS',
} as const;

/** Flags win over the environment, which wins over the defaults. Errors name the setting. */
export function readServeConfig(flags: ServeFlags, env: Env): ServeConfig {
  // Each --secret counts as given, even empty: an empty HMAC key would let anyone sign.
  const secrets = [...(flags.secret ?? []), ...splitList(env.WEBHOOK_SECRETS)];
  if (secrets.length === 0 && !flags['insecure-no-signature']) {
    throw new UsageError(
      'WEBHOOK_SECRETS (or --secret) must name at least one webhook secret; --insecure-no-signature accepts unsigned deliveries',
    );
  }
  const check = checkSecrets(secrets);
  if (check.refused.length > 0)
    throw new UsageError(describeRefused('WEBHOOK_SECRETS (or --secret)', check.refused));
  const settings = commandSettings(flags, SERVE_FLAGS, env);
  return {
    port: settings.integer('PORT', { fallback: 8080, min: 0, max: 65_535 }),
    host: settings.string('HOST', '0.0.0.0'),
    secrets,
    weakSecrets: check.weak.length,
    archiveDir: settings.string('ARCHIVE_DIR', './data'),
    ...readPulseSettings(settings),
    compactIntervalMs:
      1000 * settings.integer('COMPACT_EVERY_SECONDS', { fallback: 600, min: 0, max: 86_400 }),
    // At least 30 s: a delivery stamped just before the hour ends may still be on its way to disk (8 s deadline).
    latenessMs: 1000 * settings.integer('LATENESS_SECONDS', { fallback: 120, min: 30, max: 86_400 }),
  };
}

export interface PulseSettings {
  readonly amqpUrl: string;
  readonly exchanges: Exchanges;
  readonly policy: PrivacyPolicy;
}

/** The broker, exchanges and allowlist, as `serve`, `replay` and `listen` take them. */
export function readPulseSettings(settings: Settings): PulseSettings {
  return {
    amqpUrl: settings.string('AMQP_URL', 'amqp://guest:guest@127.0.0.1:5672'),
    exchanges: readExchanges(settings),
    policy: settings.parsed('PUBLIC_EVENTS', parsePublicEvents),
  };
}
