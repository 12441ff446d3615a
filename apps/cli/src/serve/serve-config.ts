import { GITHUB_MAX_PAYLOAD_BYTES, type PrivacyPolicy, parsePublicEvents } from '@github-webhooks/events';
import { checkBrokerUrl, type Exchanges, readExchanges } from '@github-webhooks/pulse';
import { checkSecrets, describeRefused, type Env, type Settings, splitList } from '@github-webhooks/runtime';
import { commandSettings } from '../command';
import { type DashboardConfig, readDashboardConfig } from '../dashboard/dashboard-config';
import { UsageError } from '../errors';
import { type ReconcileSettings, readReconcileSettings } from '../reconcile/reconcile-settings';
import { DeclaredSettings, type FlagsOf, flagVariables } from '../settings/declare';
import type { ServerLimits } from './http-server';
import { PULSE_SETTINGS, SERVE_SETTINGS } from './serve-settings';

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

/** `serve`'s flags as parsed, typed from their declaration (serve-settings.ts). */
export type ServeFlags = FlagsOf<typeof SERVE_SETTINGS>;

/** The broker, exchanges and allowlist flags that serve, replay and listen share, and their variables. */
export const PULSE_FLAGS = flagVariables(PULSE_SETTINGS);

/** Each flag stands for the environment variable of the same setting (the Lambdas' names). */
export const SERVE_FLAGS = flagVariables(SERVE_SETTINGS);

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
  const declared = new DeclaredSettings(settings, SERVE_SETTINGS);
  const archiveDir = declared.string('ARCHIVE_DIR');
  const reconcileIntervalMs = 1000 * declared.integer('RECONCILE_EVERY_SECONDS');
  return {
    port: declared.integer('PORT'),
    host: declared.string('HOST'),
    secrets,
    weakSecrets: check.weak.length,
    archiveDir,
    ...readPulseSettings(settings),
    compactIntervalMs: 1000 * declared.integer('COMPACT_EVERY_SECONDS'),
    latenessMs: 1000 * declared.integer('LATENESS_SECONDS'),
    unhealthyAfterMs: 1000 * declared.integer('UNHEALTHY_AFTER_SECONDS'),
    relayMaxAttempts: declared.integer('RELAY_MAX_ATTEMPTS'),
    dedupWindowMs: 1000 * declared.integer('DEDUP_WINDOW_SECONDS'),
    limits: {
      maxBodyBytes: GITHUB_MAX_PAYLOAD_BYTES,
      maxBodyBytesInFlight: MIB * declared.integer('MAX_BODY_MIB_IN_FLIGHT'),
      slowBody: {
        graceMs: 1000 * declared.integer('BODY_GRACE_SECONDS'),
        minBytesPerSecond: declared.integer('BODY_MIN_BYTES_PER_SECOND'),
        maxIdleMs: 1000 * declared.integer('BODY_IDLE_SECONDS'),
      },
      // GitHub gives up after 10 s: a request taking much longer than that is not GitHub's.
      requestTimeoutMs: 1000 * declared.integer('REQUEST_TIMEOUT_SECONDS'),
      headersTimeoutMs: 1000 * declared.integer('HEADERS_TIMEOUT_SECONDS'),
      maxConnections: declared.integer('MAX_CONNECTIONS'),
    },
    reconcileIntervalMs,
    reconcile: reconcileIntervalMs > 0 ? readReconcileSettings(settings, archiveDir) : undefined,
    dashboard: readDashboardConfig(settings),
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
  const declared = new DeclaredSettings(settings, PULSE_SETTINGS);
  const url = declared.string('AMQP_URL');
  const insecure = declared.boolean('ALLOW_INSECURE_AMQP');
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
