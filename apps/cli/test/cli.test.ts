import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exampleOf, removeExchanges, signedRequest } from '@github-webhooks/fixtures';
import { runCli } from './support/run-cli';
import { serveTestEnv, startServingAnyPort } from './support/serve-process';

const run = (args: string[]) => runCli(args);

describe('github-webhooks command line', () => {
  it.each([
    [['--help'], 0, /Commands:/],
    [['serve', '--help'], 0, /WEBHOOK_SECRETS/],
    [['--version'], 0, /^github-webhooks \d+\.\d+\.\d+ \(Node v24\./],
    [['replay', '-h'], 0, /--dry-run/],
  ])('%j exits %i with help', async (args, code, text) => {
    const result = await run(args);
    expect(result.code).toBe(code);
    expect(result.out).toMatch(text);
  });

  it.each([
    [[], 2, /^$/],
    [['bogus'], 2, /unknown command "bogus"/],
    [['serve', '--port', '99999', '--secret', 'a-long-enough-secret'], 2, /PORT must be a whole number/],
    [['serve', '--secret', ''], 2, /entry 1 has 0 characters; a webhook secret needs at least 8/],
    [
      ['serve', '--secret', 'a-long-enough-secret', '--dashboard-host', '0.0.0.0'],
      2,
      /DASHBOARD_HOST 0.0.0.0 is not a loopback address: set DASHBOARD_TOKEN, or DASHBOARD_PORT=off/,
    ],
    [
      ['serve', '--secret', 'a-long-enough-secret', '--dashboard-token', 'short'],
      2,
      /DASHBOARD_TOKEN has 5 characters; it needs at least 16/,
    ],
    [['serve', '--secret', 'a-long-enough-secret', '--dashboard-port', 'eighty'], 2, /DASHBOARD_PORT/],
    [
      ['serve', '--secret', 'a-long-enough-secret', '--public-events', 'push,secret_scanning_alert'],
      2,
      /secret_scanning_alert events are never public and cannot be allowlisted/,
    ],
    [['serve', '--secret', 'a-long-enough-secret', '--secret', 'short'], 2, /entry 2 has 5 characters/],
    [
      ['serve', '--secret', 'a-long-enough-secret', '--exchange-dotted', 'exchange/github-webhooks/v2'],
      2,
      /PULSE_EXCHANGE_DOTTED must not be exchange\/github-webhooks\/v2: the original format goes, or went, there/,
    ],
    [['serve', '--secret', 'a-long-enough-secret', '--exchange-v2', 'x/v2'], 2, /exchange-v2/],
    [['listen', '--dotted', '--exchange-dotted', 'off'], 2, /the dotted exchange is off/],
    [['replay'], 2, /--from is required/],
    [['replay', '--from', 'yesterday', '--dry-run'], 2, /--from must be an hour/],
    [['compact', '--disposal', 'shred'], 2, /--disposal must be delete or tag/],
    [['compact', '--hour', new Date().toISOString().slice(0, 13)], 2, /is not closed yet/],
    [
      ['serve', '--secret', 'a-long-enough-secret', '--lateness', '0'],
      2,
      /LATENESS_SECONDS must be a whole number from 30/,
    ],
    [
      ['serve', '--secret', 'a-long-enough-secret', '--body-grace', '0'],
      2,
      /BODY_GRACE_SECONDS must be a whole/,
    ],
    [
      ['serve', '--secret', 'a-long-enough-secret', '--body-min-rate', '1k'],
      2,
      /BODY_MIN_BYTES_PER_SECOND must be a whole number from 0/,
    ],
    [
      ['serve', '--secret', 'a-long-enough-secret', '--body-idle', '0'],
      2,
      /BODY_IDLE_SECONDS must be a whole/,
    ],
    [['stats', '--nope'], 2, /Unknown option '--nope'/],
    [
      ['serve', '--secret', 'a-long-enough-secret', '--amqp-url', 'amqp://u:p@pulse.example.com/'],
      2,
      /AMQP_URL must hold an amqps:\/\/ URL to a broker on another machine, not amqp:\/\/; use amqps:\/\/, or --allow-insecure-amqp/,
    ],
    [
      ['replay', '--from', '2026-11-28T10', '--amqp-url', 'amqp://u:p@10.0.0.7/'],
      2,
      /to a broker on another machine/,
    ],
    [['listen', '--amqp-url', 'amqp://u:p@pulse.example.com/'], 2, /to a broker on another machine/],
    [['reconcile'], 2, /name at least one hook with --hook/],
    [
      ['reconcile', '--hook', 'orgs/acme/1'],
      2,
      /not a hook: "orgs\/acme\/1" \(expected orgs\/ORG\/hooks\/ID/,
    ],
    [['reconcile', '--hook', 'app'], 2, /set GITHUB_TOKEN, or GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY/],
    [['serve', '--secret', 'a-long-enough-secret', '--reconcile-every', '60'], 2, /name at least one hook/],
    [['send', '--url', 'http://127.0.0.1:1/webhook', '--secret', 'x'], 2, /cannot reach/],
    [
      ['send', '--event', 'no_such_event', '--url', 'http://127.0.0.1:1/webhook'],
      2,
      /no example of no_such_event/,
    ],
  ])('%j exits %i with a one-line reason', async (args, code, reason) => {
    const result = await run(args);
    expect(result.code).toBe(code);
    expect(result.err).toMatch(reason);
    expect(result.err.split('\n').length).toBeLessThanOrEqual(1);
  });

  it('refuses to serve without a secret, naming the setting', async () => {
    const saved = process.env.WEBHOOK_SECRETS;
    delete process.env.WEBHOOK_SECRETS;
    try {
      const result = await run(['serve']);
      expect(result.code).toBe(2);
      expect(result.err).toMatch(/WEBHOOK_SECRETS .* --insecure-no-signature/);
    } finally {
      if (saved !== undefined) process.env.WEBHOOK_SECRETS = saved;
    }
  });

  it('counts an empty archive as nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gw-stats-'));
    const result = await run(['stats', '--archive', dir, '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toEqual({
      by_hour: {},
      by_event: {},
      total: { total: 0, public: 0 },
      malformed: 0,
    });
    await rm(dir, { recursive: true });
  });
});

describe('github-webhooks serve (the built command)', () => {
  const EXCHANGE = `test/cli-${process.pid}/v1`;
  afterAll(() => removeExchanges([EXCHANGE]));

  it('answers a signed delivery, then shuts down cleanly on SIGTERM with it on disk', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gw-serve-'));
    const { child, port, output } = await startServingAnyPort(
      ['--port', '0', '--host', '127.0.0.1', '--compact-every', '0'],
      serveTestEnv(dir, EXCHANGE),
      'pipe',
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(port).toBeGreaterThan(0);
    const request = signedRequest({ event: 'watch', payload: exampleOf('watch').payload });
    const response = await fetch(`http://127.0.0.1:${port}/webhook`, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
    });
    expect(response.status).toBe(202);
    const health = await (await fetch(`http://127.0.0.1:${port}/healthz`)).json();
    expect(health).toMatchObject({ ok: true, counts: { Archived: 1 } });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output()).toMatch(/"message":"stopped"/);
    const hours = await readdir(join(dir, 'raw'), { recursive: true });
    expect(hours.some((name) => String(name).endsWith('.ndjson'))).toBe(true);
    await rm(dir, { recursive: true });
  });
});
