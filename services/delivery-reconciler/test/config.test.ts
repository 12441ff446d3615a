import { ConfigError, Settings } from '@github-webhooks/runtime';
import { ARCHIVE_GRACE_MS, readHookSettings, runOptions } from '../src';
import { readConfig } from '../src/config';

const LAMBDA = {
  ARCHIVE_BUCKET: 'github-webhooks-archive-dev',
  GITHUB_TOKEN_PARAMETER: '/gw/dev/github-token',
};
const HOUR = 3_600_000;

// The Lambda (readConfig) and the CLI (readHookSettings, through reconcile-settings) share one reader.
const readers = [
  ['the Lambda', (env: Record<string, string>) => readConfig({ ...LAMBDA, ...env }).apiUrl],
  [
    'the CLI',
    (env: Record<string, string>) =>
      readHookSettings(new Settings(env), 'RECONCILE_HOOKS (or --hook)').apiUrl,
  ],
] as const;

describe.each(readers)('GITHUB_API_URL, as %s reads it', (_, apiUrl) => {
  it.each([
    'https://api.github.com',
    'https://ghes.example.com/api/v3',
    'http://127.0.0.1:8080',
    'http://localhost/api/v3',
    'http://[::1]:9000',
  ])('takes %s', (url) => {
    expect(apiUrl({ GITHUB_API_URL: url })).toBe(url);
  });

  it.each(['http://ghes.example.com/api/v3', 'http://127.0.0.1.example.com', 'ftp://api.github.com'])(
    'refuses %s: the token would cross the network in the clear',
    (url) => {
      expect(() => apiUrl({ GITHUB_API_URL: url })).toThrow(ConfigError);
      expect(() => apiUrl({ GITHUB_API_URL: url })).toThrow(/^GITHUB_API_URL must be an https URL/);
    },
  );

  it('defaults to github.com', () => {
    expect(apiUrl({})).toBe('https://api.github.com');
  });
});

describe('readConfig (the Lambda)', () => {
  it('reads the shared settings with their declared defaults, the credential from SSM', () => {
    expect(readConfig(LAMBDA)).toEqual({
      bucket: 'github-webhooks-archive-dev',
      apiUrl: 'https://api.github.com',
      hooks: [],
      maxRedeliveries: 5,
      credentials: { kind: 'token', parameter: '/gw/dev/github-token' },
      archiveCheck: false,
    });
  });

  it.each([
    [{ RECONCILE_MAX_REDELIVERIES: '101' }, 'RECONCILE_MAX_REDELIVERIES'],
    [{ RECONCILE_HOOKS: 'orgs/acme' }, 'RECONCILE_HOOKS'],
    [{ GITHUB_APP_ID: 'app' }, 'GITHUB_APP_ID'],
    [{ GITHUB_APP_ID: '12' }, 'GITHUB_APP_PRIVATE_KEY_PARAMETER'],
  ])('fails on %j naming %s', (change, variable) => {
    expect(() => readConfig({ ...LAMBDA, ...change })).toThrow(ConfigError);
    expect(() => readConfig({ ...LAMBDA, ...change })).toThrow(variable);
  });
});

describe('runOptions', () => {
  const now = new Date('2024-05-01T12:00:00Z');
  const settings = { apiUrl: 'https://api.github.com', hooks: [], maxRedeliveries: 3 };

  it("reads github.com's log over 71 h, an Enterprise Server's over 167 h", () => {
    expect(runOptions(settings, now)).toEqual({
      hooks: [],
      since: new Date(now.getTime() - 71 * HOUR),
      retentionMs: 72 * HOUR,
      maxRedeliveries: 3,
      dryRun: false,
    });
    const ghes = runOptions({ ...settings, apiUrl: 'https://ghes.example.com/api/v3' }, now);
    expect([ghes.since, ghes.retentionMs]).toEqual([new Date(now.getTime() - 167 * HOUR), 168 * HOUR]);
  });

  it("gives an S3 archive Firehose's buffer, a local one a minute", () => {
    expect(runOptions(settings, now, { archive: 's3' }).archiveGraceMs).toBe(ARCHIVE_GRACE_MS.s3);
    expect(runOptions(settings, now, { archive: 'local', since: '3h' })).toMatchObject({
      archiveGraceMs: 60_000,
      since: new Date(now.getTime() - 3 * HOUR),
    });
  });
});
