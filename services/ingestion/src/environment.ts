import type { SettingSpec } from '@github-webhooks/runtime';

/** The ingestion Lambda's environment, declared once: readConfig, the docs' table and the stack's test read it. */
export const INGESTION_ENVIRONMENT = [
  {
    env: 'ARCHIVE_STREAM_NAME',
    kind: 'string',
    required: true,
    help: 'the Firehose stream every delivery is archived through',
  },
  { env: 'ALL_TOPIC_ARN', kind: 'string', required: true, help: 'the SNS topic of every delivery' },
  { env: 'PUBLIC_TOPIC_ARN', kind: 'string', required: true, help: 'the SNS topic of the public deliveries' },
  {
    env: 'ARCHIVE_BUCKET',
    kind: 'string',
    required: true,
    help: 'the archive bucket: payloads too large for SNS are written to payloads/',
  },
  {
    env: 'WEBHOOK_SECRETS_PARAMETER',
    kind: 'string',
    required: true,
    help: 'the SSM SecureString of the webhook secrets, one per line',
  },
  {
    env: 'WEBHOOK_SECRETS_TTL_SECONDS',
    kind: 'integer',
    default: '300',
    min: 0,
    max: 86_400,
    help: 'how long the secrets read from SSM are cached',
  },
  {
    env: 'PUBLIC_EVENTS',
    kind: 'list',
    help: 'the events that may be public (default: the original allowlist; a never-public event is refused)',
  },
  {
    env: 'ALLOW_SHA1_SIGNATURES',
    kind: 'boolean',
    default: 'false',
    help: 'accept a delivery signed only with X-Hub-Signature (SHA-1)',
  },
] as const satisfies readonly SettingSpec[];
