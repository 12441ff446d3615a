import { GITHUB_MAX_PAYLOAD_BYTES, type PrivacyPolicy, parsePublicEvents } from '@github-webhooks/events';
import { DEFAULT_SLOW_BODY_RULE, type SlowBodyRule } from '@github-webhooks/ingestion';
import { checkBrokerUrl, type Exchanges, readExchanges } from '@github-webhooks/pulse';
import { checkSecrets, describeRefused, type Env, type Settings, splitList } from '@github-webhooks/runtime';
import { commandSettings } from '../command';
import { DASHBOARD_FLAGS, type DashboardConfig, readDashboardConfig } from '../dashboard/dashboard-config';
import { UsageError } from '../errors';
import { type ReconcileSettings, readReconcileSettings } from '../reconcile/reconcile-settings';
import type { ServerLimits } from './http-server';

const MIB = 1024 * 1024;

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
  /** /healthz says not ok once the relay is stuck, or the broker away, for longer than this. */
  readonly unhealthyAfterMs: number;
  /** Tries of a message the broker refuses before it is dead-lettered. */
  readonly relayMaxAttempts: number;
  /** How long the relay's publish ledger remembers a delivery (0: no ledger, at least once). */
  readonly dedupWindowMs: number;
  readonly limits: ServerLimits;
  /** How often the reconciler runs; 0 (the default) turns it off. */
  readonly reconcileIntervalMs: number;
  /** Read only when the reconciler is on. */
  readonly reconcile: ReconcileSettings | undefined;
  /** The web page; undefined with DASHBOARD_PORT=off. */
  readonly dashboard: DashboardConfig | undefined;
}

export interface ServeFlags {
  readonly port?: string | undefined;
  readonly host?: string | undefined;
  readonly secret?: readonly string[] | undefined;
  readonly archive?: string | undefined;
  readonly 'amqp-url'?: string | undefined;
  readonly exchange?: string | undefined;
  readonly 'exchange-dotted'?: string | undefined;
  readonly 'public-events'?: string | undefined;
  readonly 'compact-every'?: string | undefined;
  readonly lateness?: string | undefined;
  readonly 'insecure-no-signature'?: boolean | undefined;
  readonly 'allow-insecure-amqp'?: boolean | undefined;
  readonly 'unhealthy-after'?: string | undefined;
  readonly 'relay-max-attempts'?: string | undefined;
  readonly 'dedup-window'?: string | undefined;
  readonly 'request-timeout'?: string | undefined;
  readonly 'headers-timeout'?: string | undefined;
  readonly 'max-connections'?: string | undefined;
  readonly 'max-body-in-flight'?: string | undefined;
  readonly 'body-grace'?: string | undefined;
  readonly 'body-min-rate'?: string | undefined;
  readonly 'body-idle'?: string | undefined;
  readonly 'reconcile-every'?: string | undefined;
  readonly 'reconcile-hook'?: readonly string[] | undefined;
  readonly 'dashboard-host'?: string | undefined;
  readonly 'dashboard-port'?: string | undefined;
  readonly 'dashboard-token'?: string | undefined;
  readonly 'dashboard-allowed-hosts'?: string | undefined;
  readonly 'dashboard-trust-proxy'?: boolean | undefined;
  readonly 'dashboard-session-hours'?: string | undefined;
}

/** The broker, exchanges and allowlist flags that serve, replay and listen share, and their variables. */
export const PULSE_FLAGS = {
  'amqp-url': 'AMQP_URL',
  'allow-insecure-amqp': 'ALLOW_INSECURE_AMQP',
  exchange: 'PULSE_EXCHANGE',
  'exchange-dotted': 'PULSE_EXCHANGE_DOTTED',
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
  'unhealthy-after': 'UNHEALTHY_AFTER_SECONDS',
  'relay-max-attempts': 'RELAY_MAX_ATTEMPTS',
  'dedup-window': 'DEDUP_WINDOW_SECONDS',
  'request-timeout': 'REQUEST_TIMEOUT_SECONDS',
  'headers-timeout': 'HEADERS_TIMEOUT_SECONDS',
  'max-connections': 'MAX_CONNECTIONS',
  'max-body-in-flight': 'MAX_BODY_MIB_IN_FLIGHT',
  'body-grace': 'BODY_GRACE_SECONDS',
  'body-min-rate': 'BODY_MIN_BYTES_PER_SECOND',
  'body-idle': 'BODY_IDLE_SECONDS',
  'reconcile-every': 'RECONCILE_EVERY_SECONDS',
  'reconcile-hook': 'RECONCILE_HOOKS',
  ...DASHBOARD_FLAGS,
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
  const archiveDir = settings.string('ARCHIVE_DIR', './data');
  const reconcileIntervalMs =
    1000 * settings.integer('RECONCILE_EVERY_SECONDS', { fallback: 0, min: 0, max: 86_400 });
  return {
    port: settings.integer('PORT', { fallback: 8080, min: 0, max: 65_535 }),
    host: settings.string('HOST', '0.0.0.0'),
    secrets,
    weakSecrets: check.weak.length,
    archiveDir,
    ...readPulseSettings(settings),
    compactIntervalMs:
      1000 * settings.integer('COMPACT_EVERY_SECONDS', { fallback: 600, min: 0, max: 86_400 }),
    // At least 30 s: a delivery stamped just before the hour ends may still be on its way to disk (8 s deadline).
    latenessMs: 1000 * settings.integer('LATENESS_SECONDS', { fallback: 120, min: 30, max: 86_400 }),
    unhealthyAfterMs:
      1000 * settings.integer('UNHEALTHY_AFTER_SECONDS', { fallback: 60, min: 1, max: 86_400 }),
    relayMaxAttempts: settings.integer('RELAY_MAX_ATTEMPTS', { fallback: 5, min: 1, max: 1_000 }),
    // GitHub's redelivery window: 3 days on github.com (7 on GHES: set 604800).
    dedupWindowMs:
      1000 * settings.integer('DEDUP_WINDOW_SECONDS', { fallback: 259_200, min: 0, max: 30 * 86_400 }),
    limits: {
      maxBodyBytes: GITHUB_MAX_PAYLOAD_BYTES,
      maxBodyBytesInFlight:
        MIB * settings.integer('MAX_BODY_MIB_IN_FLIGHT', { fallback: 128, min: 1, max: 65_536 }),
      slowBody: readSlowBodyRule(settings),
      // GitHub gives up after 10 s: a request taking much longer than that is not GitHub's.
      requestTimeoutMs:
        1000 * settings.integer('REQUEST_TIMEOUT_SECONDS', { fallback: 30, min: 1, max: 3_600 }),
      headersTimeoutMs:
        1000 * settings.integer('HEADERS_TIMEOUT_SECONDS', { fallback: 10, min: 1, max: 3_600 }),
      maxConnections: settings.integer('MAX_CONNECTIONS', { fallback: 512, min: 1, max: 1_000_000 }),
    },
    reconcileIntervalMs,
    reconcile: reconcileIntervalMs > 0 ? readReconcileSettings(settings, archiveDir) : undefined,
    dashboard: readDashboardConfig(settings),
  };
}

/**
 * How slowly a body may arrive (ingestion's DEFAULT_SLOW_BODY_RULE, in whole seconds): GitHub
 * sends a body at once, so only a client holding its connection meets it.
 */
function readSlowBodyRule(settings: Settings): SlowBodyRule {
  const { graceMs, minBytesPerSecond, maxIdleMs } = DEFAULT_SLOW_BODY_RULE;
  return {
    graceMs: 1000 * settings.integer('BODY_GRACE_SECONDS', { fallback: graceMs / 1000, min: 1, max: 3_600 }),
    minBytesPerSecond: settings.integer('BODY_MIN_BYTES_PER_SECOND', {
      fallback: minBytesPerSecond,
      min: 0,
      max: 1_073_741_824,
    }),
    maxIdleMs:
      1000 * settings.integer('BODY_IDLE_SECONDS', { fallback: maxIdleMs / 1000, min: 1, max: 3_600 }),
  };
}

export interface PulseSettings {
  readonly amqpUrl: string;
  readonly exchanges: Exchanges;
  readonly policy: PrivacyPolicy;
}

/**
 * The broker, exchanges and allowlist, as `serve`, `replay` and `listen` take them. A plain-text
 * `amqp://` URL is refused for a broker on another machine (its password would cross the network
 * in clear) unless ALLOW_INSECURE_AMQP (`--allow-insecure-amqp`) says so.
 */
export function readPulseSettings(settings: Settings): PulseSettings {
  const url = settings.string('AMQP_URL', 'amqp://guest:guest@127.0.0.1:5672');
  const insecure = settings.boolean('ALLOW_INSECURE_AMQP', false);
  try {
    checkBrokerUrl(url, 'AMQP_URL', {
      allowPlainText: insecure ? true : 'loopback',
      hint: 'use amqps://, or --allow-insecure-amqp',
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return {
    amqpUrl: url,
    exchanges: readExchanges(settings),
    policy: settings.parsed('PUBLIC_EVENTS', parsePublicEvents),
  };
}
