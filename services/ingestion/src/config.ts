import { type PrivacyPolicy, parsePublicEvents } from '@github-webhooks/events';
import { DeclaredSettings, type Env, Settings } from '@github-webhooks/runtime';
import { INGESTION_ENVIRONMENT } from './environment';

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
  const declared = new DeclaredSettings(new Settings(env), INGESTION_ENVIRONMENT);
  return {
    archiveStreamName: declared.required('ARCHIVE_STREAM_NAME'),
    allTopicArn: declared.arn('ALL_TOPIC_ARN', 'sns'),
    publicTopicArn: declared.arn('PUBLIC_TOPIC_ARN', 'sns'),
    archiveBucket: declared.bucket('ARCHIVE_BUCKET'),
    secretsParameter: declared.ssmParameter('WEBHOOK_SECRETS_PARAMETER'),
    secretsTtlSeconds: declared.integer('WEBHOOK_SECRETS_TTL_SECONDS'),
    policy: declared.parsed('PUBLIC_EVENTS', parsePublicEvents),
    allowSha1: declared.boolean('ALLOW_SHA1_SIGNATURES'),
  };
}
