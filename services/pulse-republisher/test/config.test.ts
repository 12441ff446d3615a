import { DEFAULT_EXCHANGE_DOTTED, DEFAULT_EXCHANGE_V1 } from '@github-webhooks/pulse';
import { ConfigError } from '@github-webhooks/runtime';
import { DEFAULT_DEDUP_WINDOW_SECONDS, readConfig } from '../src';

const base = {
  AMQP_URL_PARAMETER: '/github-webhooks/dev/pulse-amqp-url',
  ARCHIVE_BUCKET: 'github-webhooks-archive-dev',
  PUBLISH_LEDGER_TABLE: 'github-webhooks-pulse-republisher-dev-PublishLedgerTable-1A2B3C4D5E6F',
};

describe('readConfig', () => {
  it('applies the documented defaults', () => {
    const config = readConfig(base);
    expect(config).toMatchObject({
      amqpUrlParameter: '/github-webhooks/dev/pulse-amqp-url',
      amqpUrlMaxAgeSeconds: 300,
      archiveBucket: 'github-webhooks-archive-dev',
      exchanges: { original: [DEFAULT_EXCHANGE_V1], dotted: DEFAULT_EXCHANGE_DOTTED },
      declareExchanges: true,
      publishWindow: 32,
      confirmTimeoutMs: 10_000,
      connectTimeoutMs: 5_000,
      // GitHub's redelivery window on github.com: 3 days.
      publishLedger: {
        table: 'github-webhooks-pulse-republisher-dev-PublishLedgerTable-1A2B3C4D5E6F',
        windowSeconds: 259_200,
      },
    });
    expect(DEFAULT_DEDUP_WINDOW_SECONDS).toBe(3 * 86_400);
    expect(DEFAULT_EXCHANGE_V1).toBe('exchange/github-webhooks/v1');
    // The original system published its own format on …/v2 too: the dotted keys never go there.
    expect(DEFAULT_EXCHANGE_DOTTED).toBe('exchange/github-webhooks/v3');
    expect(config.policy.publicEvents.has('push')).toBe(true);
    expect(config.policy.publicEvents.has('membership')).toBe(false);
  });

  it('reads every setting', () => {
    const config = readConfig({
      ...base,
      AMQP_URL_MAX_AGE_SECONDS: '60',
      PULSE_EXCHANGE_V1: 'exchange/taskcluster-github/v1',
      PULSE_EXCHANGE_DOTTED: 'exchange/taskcluster-github/v3',
      PULSE_DECLARE_EXCHANGES: 'false',
      PUBLIC_EVENTS: 'push, release',
      PUBLISH_WINDOW: '8',
      CONFIRM_TIMEOUT_MS: '2500',
      CONNECT_TIMEOUT_MS: '3000',
    });
    expect(config).toMatchObject({
      amqpUrlMaxAgeSeconds: 60,
      exchanges: { original: ['exchange/taskcluster-github/v1'], dotted: 'exchange/taskcluster-github/v3' },
      declareExchanges: false,
      publishWindow: 8,
      confirmTimeoutMs: 2500,
      connectTimeoutMs: 3000,
    });
    expect([...config.policy.publicEvents]).toEqual(['push', 'release']);
  });

  it('keeps the publish ledger for DEDUP_WINDOW_SECONDS (7 days on GHES), and none at 0', () => {
    expect(readConfig({ ...base, DEDUP_WINDOW_SECONDS: '604800' }).publishLedger).toEqual({
      table: base.PUBLISH_LEDGER_TABLE,
      windowSeconds: 604_800,
    });
    // No ledger: every message published, and the table is not needed.
    expect(
      readConfig({ ...base, DEDUP_WINDOW_SECONDS: '0', PUBLISH_LEDGER_TABLE: undefined }).publishLedger,
    ).toBeUndefined();
  });

  it.each(['off', 'OFF', ' off '])('turns the dotted exchange off with PULSE_EXCHANGE_DOTTED=%j', (value) => {
    expect(readConfig({ ...base, PULSE_EXCHANGE_DOTTED: value }).exchanges.dotted).toBeUndefined();
  });

  it('publishes the original format on each name of PULSE_EXCHANGE (a migration from the original)', () => {
    const config = readConfig({
      ...base,
      PULSE_EXCHANGE: 'exchange/github-webhooks/v1, exchange/github-webhooks/v2',
    });
    expect(config.exchanges).toEqual({
      original: ['exchange/github-webhooks/v1', 'exchange/github-webhooks/v2'],
      dotted: DEFAULT_EXCHANGE_DOTTED,
    });
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
    ['PULSE_EXCHANGE', { PULSE_EXCHANGE: 'exchange/github-webhooks/v1,exchange with spaces' }],
    ['PULSE_EXCHANGE_DOTTED', { PULSE_EXCHANGE_DOTTED: 'x'.repeat(256) }],
    ['PULSE_EXCHANGE_DOTTED', { PULSE_EXCHANGE_DOTTED: DEFAULT_EXCHANGE_V1 }],
    // The original system's other name: a consumer of its v2 must never receive dotted keys there.
    ['PULSE_EXCHANGE_DOTTED', { PULSE_EXCHANGE_DOTTED: 'exchange/github-webhooks/v2' }],
    [
      'PULSE_EXCHANGE_DOTTED',
      { PULSE_EXCHANGE: 'exchange/a/v1,exchange/a/v2', PULSE_EXCHANGE_DOTTED: 'exchange/a/v2' },
    ],
    // Renamed: a stack or shell still setting it would otherwise silently change meaning.
    ['PULSE_EXCHANGE_V2', { PULSE_EXCHANGE_V2: 'exchange/github-webhooks/v2' }],
    ['PULSE_DECLARE_EXCHANGES', { PULSE_DECLARE_EXCHANGES: 'yes' }],
    ['PUBLIC_EVENTS', { PUBLIC_EVENTS: 'push,membership' }],
    ['PUBLIC_EVENTS', { PUBLIC_EVENTS: 'Push!' }],
    ['PUBLISH_WINDOW', { PUBLISH_WINDOW: '0' }],
    ['PUBLISH_WINDOW', { PUBLISH_WINDOW: '2.5' }],
    ['CONFIRM_TIMEOUT_MS', { CONFIRM_TIMEOUT_MS: '-1' }],
    ['CONNECT_TIMEOUT_MS', { CONNECT_TIMEOUT_MS: '10' }],
    ['DEDUP_WINDOW_SECONDS', { DEDUP_WINDOW_SECONDS: '3d' }],
    ['DEDUP_WINDOW_SECONDS', { DEDUP_WINDOW_SECONDS: '-1' }],
    ['DEDUP_WINDOW_SECONDS', { DEDUP_WINDOW_SECONDS: String(31 * 86_400) }],
    ['PUBLISH_LEDGER_TABLE', { PUBLISH_LEDGER_TABLE: undefined }],
    ['PUBLISH_LEDGER_TABLE', { PUBLISH_LEDGER_TABLE: 'ab' }],
    ['PUBLISH_LEDGER_TABLE', { PUBLISH_LEDGER_TABLE: 'arn:aws:dynamodb:us-east-1:123456789012:table/t' }],
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
