import { ConfigError, parseSecretList } from '@github-webhooks/runtime';
import { readConfig } from '../src';

const env = {
  ARCHIVE_STREAM_NAME: 'stream',
  ALL_TOPIC_ARN: 'arn:aws:sns:us-east-1:123:all',
  PUBLIC_TOPIC_ARN: 'arn:aws:sns:us-east-1:123:public',
  ARCHIVE_BUCKET: 'bucket',
  WEBHOOK_SECRETS_PARAMETER: '/github-webhooks/dev/webhook-secrets',
};

describe('readConfig', () => {
  it('reads the environment with defaults', () => {
    const config = readConfig(env);
    expect(config).toMatchObject({ archiveStreamName: 'stream', secretsTtlSeconds: 300, allowSha1: false });
    expect(config.policy.publicEvents.has('push')).toBe(true);
  });

  it('reads the optional settings', () => {
    const config = readConfig({
      ...env,
      PUBLIC_EVENTS: 'push,check_run',
      ALLOW_SHA1_SIGNATURES: 'true',
      WEBHOOK_SECRETS_TTL_SECONDS: '60',
    });
    expect(config.allowSha1).toBe(true);
    expect(config.secretsTtlSeconds).toBe(60);
    expect([...config.policy.publicEvents]).toEqual(['push', 'check_run']);
  });

  it.each([
    [{ ARCHIVE_STREAM_NAME: '' }, 'ARCHIVE_STREAM_NAME'],
    [{ ALL_TOPIC_ARN: 'all' }, 'ALL_TOPIC_ARN'],
    [{ ARCHIVE_BUCKET: undefined }, 'ARCHIVE_BUCKET'],
    [{ WEBHOOK_SECRETS_PARAMETER: ' ' }, 'WEBHOOK_SECRETS_PARAMETER'],
    [{ WEBHOOK_SECRETS_TTL_SECONDS: 'soon' }, 'WEBHOOK_SECRETS_TTL_SECONDS'],
    [{ ALLOW_SHA1_SIGNATURES: 'yes' }, 'ALLOW_SHA1_SIGNATURES'],
    [{ PUBLIC_EVENTS: 'push,member' }, 'PUBLIC_EVENTS'],
  ])('fails on %j naming %s', (change, name) => {
    expect(() => readConfig({ ...env, ...change })).toThrow(ConfigError);
    expect(() => readConfig({ ...env, ...change })).toThrow(name);
  });
});

describe('parseSecretList', () => {
  it.each([
    ['one', ['one']],
    ['new,old', ['new', 'old']],
    ['new, with, commas\nold\n\n', ['new, with, commas', 'old']],
  ])('%j → %j', (value, secrets) => {
    expect(parseSecretList(value, 'SSM parameter /p')).toEqual(secrets);
  });

  it('refuses a parameter with no secret', () => {
    expect(() => parseSecretList(' \n ', 'SSM parameter /p')).toThrow(ConfigError);
  });
});
