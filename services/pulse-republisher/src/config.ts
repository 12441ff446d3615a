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
}

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
  };
}
