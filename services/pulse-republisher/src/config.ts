import { type PrivacyPolicy, parsePublicEvents } from '@github-webhooks/events';
import { type Exchanges, readExchanges } from '@github-webhooks/pulse';
import { type Env, Settings } from '@github-webhooks/runtime';

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
  /**
   * The publish ledger (Powertools idempotency on DynamoDB): one message per delivery on Pulse for
   * the window. Undefined when the window is 0 (every message published, no table used).
   */
  readonly publishLedger: PublishLedgerConfig | undefined;
}

export interface PublishLedgerConfig {
  /** The DynamoDB table (partition key `id`, TTL on `expiration`). */
  readonly table: string;
  /** How long a published delivery is remembered: GitHub's redelivery window (3 days; 7 on GHES). */
  readonly windowSeconds: number;
}

/** GitHub's redelivery window on github.com (3 days); GitHub Enterprise Server keeps 7 (604800). */
export const DEFAULT_DEDUP_WINDOW_SECONDS = 259_200;

const TABLE_NAME = {
  test: /^[A-Za-z0-9_.-]{3,255}$/,
  what: 'a DynamoDB table name (3 to 255 of A-Z a-z 0-9 _ . -)',
};

/** Reads and validates the Lambda's environment once, at cold start; errors name the variable. */
export function readConfig(env: Env): RepublisherConfig {
  const settings = new Settings(env);
  return {
    amqpUrlParameter: settings.ssmParameter('AMQP_URL_PARAMETER'),
    amqpUrlMaxAgeSeconds: settings.integer('AMQP_URL_MAX_AGE_SECONDS', {
      fallback: 300,
      min: 0,
      max: 86_400,
    }),
    archiveBucket: settings.bucket('ARCHIVE_BUCKET'),
    exchanges: readExchanges(settings),
    declareExchanges: settings.boolean('PULSE_DECLARE_EXCHANGES', true),
    policy: settings.parsed('PUBLIC_EVENTS', parsePublicEvents),
    publishWindow: settings.integer('PUBLISH_WINDOW', { fallback: 32, min: 1, max: 1_000 }),
    confirmTimeoutMs: settings.integer('CONFIRM_TIMEOUT_MS', { fallback: 10_000, min: 100, max: 600_000 }),
    connectTimeoutMs: settings.integer('CONNECT_TIMEOUT_MS', { fallback: 5_000, min: 100, max: 600_000 }),
    publishLedger: readPublishLedger(settings),
  };
}

function readPublishLedger(settings: Settings): PublishLedgerConfig | undefined {
  const windowSeconds = settings.integer('DEDUP_WINDOW_SECONDS', {
    fallback: DEFAULT_DEDUP_WINDOW_SECONDS,
    min: 0,
    max: 30 * 86_400,
  });
  if (windowSeconds === 0) return undefined;
  settings.required(
    'PUBLISH_LEDGER_TABLE',
    'set (the DynamoDB table of the publish ledger), unless DEDUP_WINDOW_SECONDS is 0',
  );
  const table = settings.string('PUBLISH_LEDGER_TABLE', '', TABLE_NAME);
  return { table, windowSeconds };
}
