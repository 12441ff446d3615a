import { type PrivacyPolicy, parsePublicEvents } from '@github-webhooks/events';
import { type Exchanges, readExchanges } from '@github-webhooks/pulse';
import { DeclaredSettings, type Env, Settings } from '@github-webhooks/runtime';
import { DEFAULT_DEDUP_WINDOW_SECONDS, REPUBLISHER_ENVIRONMENT } from './environment';

export { DEFAULT_DEDUP_WINDOW_SECONDS };

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

const TABLE_NAME = {
  test: /^[A-Za-z0-9_.-]{3,255}$/,
  what: 'a DynamoDB table name (3 to 255 of A-Z a-z 0-9 _ . -)',
};

/** Reads and validates the Lambda's environment once, at cold start; errors name the variable. */
export function readConfig(env: Env): RepublisherConfig {
  const declared = new DeclaredSettings(new Settings(env), REPUBLISHER_ENVIRONMENT);
  return {
    amqpUrlParameter: declared.ssmParameter('AMQP_URL_PARAMETER'),
    amqpUrlMaxAgeSeconds: declared.integer('AMQP_URL_MAX_AGE_SECONDS'),
    archiveBucket: declared.bucket('ARCHIVE_BUCKET'),
    exchanges: readExchanges(declared.settings),
    declareExchanges: declared.boolean('PULSE_DECLARE_EXCHANGES'),
    policy: declared.parsed('PUBLIC_EVENTS', parsePublicEvents),
    publishWindow: declared.integer('PUBLISH_WINDOW'),
    confirmTimeoutMs: declared.integer('CONFIRM_TIMEOUT_MS'),
    connectTimeoutMs: declared.integer('CONNECT_TIMEOUT_MS'),
    publishLedger: readPublishLedger(declared),
  };
}

function readPublishLedger(declared: DeclaredSettings): PublishLedgerConfig | undefined {
  const windowSeconds = declared.integer('DEDUP_WINDOW_SECONDS');
  if (windowSeconds === 0) return undefined;
  declared.required(
    'PUBLISH_LEDGER_TABLE',
    'set (the DynamoDB table of the publish ledger), unless DEDUP_WINDOW_SECONDS is 0',
  );
  const table = declared.string('PUBLISH_LEDGER_TABLE', TABLE_NAME);
  return { table, windowSeconds };
}
