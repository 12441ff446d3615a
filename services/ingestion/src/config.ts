import { type PrivacyPolicy, parsePublicEvents } from '@github-webhooks/events';
import { type Env, Settings } from '@github-webhooks/runtime';

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

/** Reads and validates the Lambda's environment once, at cold start; errors name the variable. */
export function readConfig(env: Env): IngestionConfig {
  const settings = new Settings(env);
  return {
    archiveStreamName: settings.required('ARCHIVE_STREAM_NAME'),
    allTopicArn: settings.arn('ALL_TOPIC_ARN', 'sns'),
    publicTopicArn: settings.arn('PUBLIC_TOPIC_ARN', 'sns'),
    archiveBucket: settings.bucket('ARCHIVE_BUCKET'),
    secretsParameter: settings.ssmParameter('WEBHOOK_SECRETS_PARAMETER'),
    secretsTtlSeconds: settings.integer('WEBHOOK_SECRETS_TTL_SECONDS', {
      fallback: 300,
      min: 0,
      max: 86_400,
    }),
    policy: settings.parsed('PUBLIC_EVENTS', parsePublicEvents),
    allowSha1: settings.boolean('ALLOW_SHA1_SIGNATURES', false),
  };
}
