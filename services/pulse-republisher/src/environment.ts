import { DEFAULT_EXCHANGE_DOTTED, DEFAULT_EXCHANGE_V1, EXCHANGE_DISABLED } from '@github-webhooks/pulse';
import type { SettingSpec } from '@github-webhooks/runtime';

/** GitHub's redelivery window on github.com (3 days); GitHub Enterprise Server keeps 7 (604800). */
export const DEFAULT_DEDUP_WINDOW_SECONDS = 259_200;

/** The republisher Lambda's environment, declared once: readConfig, the docs' table and the stack's test read it. */
export const REPUBLISHER_ENVIRONMENT = [
  {
    env: 'AMQP_URL_PARAMETER',
    kind: 'string',
    required: true,
    help: 'the SSM SecureString holding the whole amqps:// URL (user, password, host, vhost)',
  },
  {
    env: 'AMQP_URL_MAX_AGE_SECONDS',
    kind: 'integer',
    default: '300',
    min: 0,
    max: 86_400,
    help: 'how long the URL read from SSM is cached (re-read at once when the broker refuses the credentials)',
  },
  {
    env: 'ARCHIVE_BUCKET',
    kind: 'string',
    required: true,
    help: 'the archive bucket: payloads too large for SNS are read from payloads/',
  },
  {
    env: 'PULSE_EXCHANGE',
    kind: 'list',
    default: DEFAULT_EXCHANGE_V1,
    help: 'the original format (<owner>/<repo>/<event> keys) on each name, comma-separated (PULSE_EXCHANGE_V1 is still read)',
  },
  {
    env: 'PULSE_EXCHANGE_DOTTED',
    kind: 'string',
    default: DEFAULT_EXCHANGE_DOTTED,
    help: `dotted keys (<owner>.<repo>.<event>[.<action>]); ${EXCHANGE_DISABLED} disables it; never a name the original used (PULSE_EXCHANGE_V2 is refused)`,
  },
  {
    env: 'PULSE_DECLARE_EXCHANGES',
    kind: 'boolean',
    default: 'true',
    help: 'assert every exchange (topic, durable) on each new connection',
  },
  { env: 'PUBLIC_EVENTS', kind: 'list', help: "the events that may be public: keep it equal to ingestion's" },
  {
    env: 'PUBLISH_WINDOW',
    kind: 'integer',
    default: '32',
    min: 1,
    max: 1_000,
    help: 'publishes awaiting their confirm at once',
  },
  {
    env: 'CONFIRM_TIMEOUT_MS',
    kind: 'integer',
    default: '10000',
    min: 100,
    max: 600_000,
    help: "how long a publish waits for the broker's confirm",
  },
  {
    env: 'CONNECT_TIMEOUT_MS',
    kind: 'integer',
    default: '5000',
    min: 100,
    max: 600_000,
    help: 'how long connecting to the broker may take',
  },
  {
    env: 'DEDUP_WINDOW_SECONDS',
    kind: 'integer',
    default: String(DEFAULT_DEDUP_WINDOW_SECONDS),
    min: 0,
    max: 30 * 86_400,
    help: "how long the publish ledger remembers a delivery published to Pulse: GitHub's redelivery window (604800 for GHES; 0: no ledger, every message published)",
  },
  {
    env: 'PUBLISH_LEDGER_TABLE',
    kind: 'string',
    help: "the publish ledger's DynamoDB table (the stack's PublishLedgerTable); required unless DEDUP_WINDOW_SECONDS is 0",
  },
] as const satisfies readonly SettingSpec[];
