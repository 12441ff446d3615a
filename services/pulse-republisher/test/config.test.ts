import { DEFAULT_EXCHANGE_V1, DEFAULT_EXCHANGE_V2 } from '@github-webhooks/pulse';
import { ConfigError } from '@github-webhooks/runtime';
import { readConfig } from '../src';

const base = {
  AMQP_URL_PARAMETER: '/github-webhooks/dev/pulse-amqp-url',
  ARCHIVE_BUCKET: 'github-webhooks-archive-dev',
};

describe('readConfig', () => {
  it('applies the documented defaults', () => {
    const config = readConfig(base);
    expect(config).toMatchObject({
      amqpUrlParameter: '/github-webhooks/dev/pulse-amqp-url',
      amqpUrlMaxAgeSeconds: 300,
      archiveBucket: 'github-webhooks-archive-dev',
      exchanges: { v1: DEFAULT_EXCHANGE_V1, v2: DEFAULT_EXCHANGE_V2 },
      declareExchanges: true,
      publishWindow: 32,
      confirmTimeoutMs: 10_000,
      connectTimeoutMs: 5_000,
    });
    expect(DEFAULT_EXCHANGE_V1).toBe('exchange/github-webhooks/v1');
    expect(DEFAULT_EXCHANGE_V2).toBe('exchange/github-webhooks/v2');
    expect(config.policy.publicEvents.has('push')).toBe(true);
    expect(config.policy.publicEvents.has('membership')).toBe(false);
  });

  it('reads every setting', () => {
    const config = readConfig({
      ...base,
      AMQP_URL_MAX_AGE_SECONDS: '60',
      PULSE_EXCHANGE_V1: 'exchange/taskcluster-github/v1',
      PULSE_EXCHANGE_V2: 'exchange/taskcluster-github/v2',
      PULSE_DECLARE_EXCHANGES: 'false',
      PUBLIC_EVENTS: 'push, release',
      PUBLISH_WINDOW: '8',
      CONFIRM_TIMEOUT_MS: '2500',
      CONNECT_TIMEOUT_MS: '3000',
    });
    expect(config).toMatchObject({
      amqpUrlMaxAgeSeconds: 60,
      exchanges: { v1: 'exchange/taskcluster-github/v1', v2: 'exchange/taskcluster-github/v2' },
      declareExchanges: false,
      publishWindow: 8,
      confirmTimeoutMs: 2500,
      connectTimeoutMs: 3000,
    });
    expect([...config.policy.publicEvents]).toEqual(['push', 'release']);
  });

  it.each(['off', 'OFF', ' off '])('turns the v2 exchange off with PULSE_EXCHANGE_V2=%j', (value) => {
    expect(readConfig({ ...base, PULSE_EXCHANGE_V2: value }).exchanges.v2).toBeUndefined();
  });

  it.each([
    ['AMQP_URL_PARAMETER', { AMQP_URL_PARAMETER: undefined }],
    ['AMQP_URL_PARAMETER', { AMQP_URL_PARAMETER: 'no-leading-slash' }],
    ['AMQP_URL_PARAMETER', { AMQP_URL_PARAMETER: 'amqps://user:pass@host/vhost' }],
    ['ARCHIVE_BUCKET', { ARCHIVE_BUCKET: '' }],
    ['ARCHIVE_BUCKET', { ARCHIVE_BUCKET: 'Not_A_Bucket' }],
    ['AMQP_URL_MAX_AGE_SECONDS', { AMQP_URL_MAX_AGE_SECONDS: 'soon' }],
    ['PULSE_EXCHANGE_V1', { PULSE_EXCHANGE_V1: 'exchange with spaces' }],
    ['PULSE_EXCHANGE_V1', { PULSE_EXCHANGE_V1: 'amq.topic' }],
    ['PULSE_EXCHANGE_V2', { PULSE_EXCHANGE_V2: 'x'.repeat(256) }],
    ['PULSE_EXCHANGE_V2', { PULSE_EXCHANGE_V2: DEFAULT_EXCHANGE_V1 }],
    ['PULSE_DECLARE_EXCHANGES', { PULSE_DECLARE_EXCHANGES: 'yes' }],
    ['PUBLIC_EVENTS', { PUBLIC_EVENTS: 'push,membership' }],
    ['PUBLIC_EVENTS', { PUBLIC_EVENTS: 'Push!' }],
    ['PUBLISH_WINDOW', { PUBLISH_WINDOW: '0' }],
    ['PUBLISH_WINDOW', { PUBLISH_WINDOW: '2.5' }],
    ['CONFIRM_TIMEOUT_MS', { CONFIRM_TIMEOUT_MS: '-1' }],
    ['CONNECT_TIMEOUT_MS', { CONNECT_TIMEOUT_MS: '10' }],
  ])('names %s when it is invalid (%j)', (variable, overrides) => {
    let thrown: unknown;
    try {
      readConfig({ ...base, ...overrides });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).variable).toBe(variable);
    expect((thrown as ConfigError).message.startsWith(`${variable} `)).toBe(true);
  });
});
