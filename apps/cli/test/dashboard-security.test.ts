import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from '@github-webhooks/fixtures';
import type { ArchiveHoursCounter } from '../src/dashboard/archive-hours';
import type { DashboardConfig } from '../src/dashboard/dashboard-config';
import { createDashboardServer } from '../src/dashboard/dashboard-server';
import { DriftLog } from '../src/dashboard/drift-log';
import { hostAllowed, originAllowed, parseAllowedHosts } from '../src/dashboard/host-check';
import { RequestLog } from '../src/dashboard/request-log';
import { SESSION_COOKIE, Sessions } from '../src/dashboard/session';
import { readServeConfig } from '../src/serve/serve-config';
import { raw } from './support/raw-http';

const TOKEN = 'a-dashboard-token-for-tests';
const HOUR = 3_600_000;

describe('the Host names the page answers', () => {
  const configured = parseAllowedHosts('dash.example.com, ops.example.org:8443, [fd00::5]:8081');

  it.each([
    ['127.0.0.1:8081', 8081, true],
    ['[::1]:8081', 8081, true],
    ['LOCALHOST:8081', 8081, true],
    ['localhost', 80, true],
    ['localhost', 8081, false],
    ['127.0.0.1:8082', 8081, false],
    ['rebind.example:8081', 8081, false],
    ['127.0.0.1.nip.io:8081', 8081, false],
    ['localhost.:8081', 8081, false],
    ['127.0.0.2:8081', 8081, false],
    ['dash.example.com', 8081, true],
    ['dash.example.com:443', 8081, true],
    ['evil.dash.example.com', 8081, false],
    ['ops.example.org:8443', 8081, true],
    ['ops.example.org', 8081, false],
    ['[fd00::5]:8081', 8081, true],
    ['', 8081, false],
    ['127.0.0.1:8081 ', 8081, true],
    ['a b:8081', 8081, false],
  ])('Host %j on port %i: %s', (host, port, expected) => {
    expect(hostAllowed(host, port, configured)).toBe(expected);
  });

  it('refuses a request without a Host header', () => {
    expect(hostAllowed(undefined, 8081, configured)).toBe(false);
  });

  it.each([
    ['http://127.0.0.1:8081', true],
    ['http://localhost:8081', true],
    ['https://dash.example.com', true],
    ['http://rebind.example:8081', false],
    ['null', false],
    ['http://127.0.0.1:8081/', false],
    ['http://user@127.0.0.1:8081', false],
    ['file://127.0.0.1:8081', false],
    ['not a url', false],
  ])('Origin %j: %s', (origin, expected) => {
    expect(originAllowed(origin, 8081, configured)).toBe(expected);
  });

  it('refuses a state-changing request without an Origin', () => {
    expect(originAllowed(undefined, 8081, configured)).toBe(false);
  });
});

describe('the page’s settings, checked at start', () => {
  const read = (env: Record<string, string>) =>
    readServeConfig({ 'dashboard-token': TOKEN }, { WEBHOOK_SECRETS: 'a-secret-long-enough', ...env })
      .dashboard;

  it('reads DASHBOARD_ALLOWED_HOSTS, DASHBOARD_TRUST_PROXY and DASHBOARD_SESSION_HOURS, with defaults', () => {
    expect(read({})).toMatchObject({ allowedHosts: [], trustProxy: false, sessionMs: 12 * HOUR });
    expect(
      read({
        DASHBOARD_ALLOWED_HOSTS: 'Dash.Example.com,10.0.0.5:8081',
        DASHBOARD_TRUST_PROXY: 'true',
        DASHBOARD_SESSION_HOURS: '2',
      }),
    ).toMatchObject({
      allowedHosts: [
        { name: 'dash.example.com', port: undefined },
        { name: '10.0.0.5', port: 8081 },
      ],
      trustProxy: true,
      sessionMs: 2 * HOUR,
    });
  });

  it.each([
    [{ DASHBOARD_ALLOWED_HOSTS: 'https://dash.example.com' }, /^DASHBOARD_ALLOWED_HOSTS is invalid/],
    [{ DASHBOARD_ALLOWED_HOSTS: 'dash.example.com:99999' }, /^DASHBOARD_ALLOWED_HOSTS is invalid/],
    [{ DASHBOARD_TRUST_PROXY: 'yes' }, /^DASHBOARD_TRUST_PROXY must be true or false/],
    [{ DASHBOARD_SESSION_HOURS: '0' }, /^DASHBOARD_SESSION_HOURS must be a whole number from 1 to 720/],
  ])('refuses %j, naming the variable', (env, message) => {
    expect(() => read(env)).toThrow(message);
  });
});

describe('sessions', () => {
  let now = Date.parse('2026-01-01T00:00:00Z');
  const sessions = new Sessions({ maxAgeMs: 12 * HOUR, now: () => now });
  const cookie = (value: string) => `other=1; ${SESSION_COOKIE}=${value}`;

  it('are signed with their issue time and expire', () => {
    const value = sessions.issue();
    expect(value).toMatch(/^v1\.\d+\.[0-9a-f]{64}$/);
    expect(sessions.valid(cookie(value))).toBe(true);
    now += 12 * HOUR - 1;
    expect(sessions.valid(cookie(value))).toBe(true);
    now += 1;
    expect(sessions.valid(cookie(value))).toBe(false);
  });

  it('refuse a changed issue time, a changed signature, and the old fixed cookie', () => {
    const value = sessions.issue();
    const [, at, mac] = value.split('.');
    expect(sessions.valid(cookie(`v1.${Number(at) + HOUR}.${mac}`))).toBe(false);
    expect(sessions.valid(cookie(`v1.${at}.${'0'.repeat(64)}`))).toBe(false);
    expect(sessions.valid(cookie('0'.repeat(64)))).toBe(false);
    expect(sessions.valid(undefined)).toBe(false);
  });

  it('end, all of them, at a log-out; a new one works', () => {
    const first = sessions.issue();
    const second = sessions.issue();
    sessions.endAll();
    expect(sessions.valid(cookie(first))).toBe(false);
    expect(sessions.valid(cookie(second))).toBe(false);
    expect(sessions.valid(cookie(sessions.issue()))).toBe(true);
  });

  it('are not valid in another serve (a key of its own, drawn at start)', () => {
    const other = new Sessions({ maxAgeMs: 12 * HOUR, now: () => now });
    expect(other.valid(cookie(sessions.issue()))).toBe(false);
  });
});

describe('the page over HTTP, off loopback, behind a proxy', () => {
  let now = Date.parse('2026-01-01T00:00:00Z');
  let server: Server;
  let port: number;
  const log = new RequestLog();
  const config = (trustProxy: boolean): DashboardConfig => ({
    // Served as if on a network address (the whole page needs the session); listening on loopback.
    host: '10.1.2.3',
    port: 0,
    token: TOKEN,
    allowedHosts: parseAllowedHosts('dash.example.com'),
    trustProxy,
    sessionMs: 12 * HOUR,
  });
  const start = async (trustProxy: boolean) => {
    server = createDashboardServer(
      config(trustProxy),
      {
        log,
        drifts: new DriftLog(),
        hours: {
          current: () => ({ hours: [], events: [], counted_at: undefined }),
        } as unknown as ArchiveHoursCounter,
        health: () => ({ ok: true }),
      },
      { now: () => now },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  };
  const stop = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  const origin = () => `http://127.0.0.1:${port}`;
  const login = (headers: Record<string, string> = {}) =>
    raw(port, {
      method: 'POST',
      path: '/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: origin(), ...headers },
      body: `token=${TOKEN}`,
    });
  const sessionOf = (setCookie: string | string[] | undefined) => {
    const first = (Array.isArray(setCookie) ? setCookie[0] : setCookie) ?? '';
    return first.split(';')[0] ?? '';
  };
  const state = (cookie: string) => raw(port, { path: '/state', headers: { cookie } });

  beforeAll(() => {
    log.add(
      {
        at: new Date(now).toISOString(),
        status: 202,
        error: undefined,
        bytes: 1234,
        delivery_id: 'sec-private-1',
        event: 'push',
        action: null,
        repository: 'acme/secret-plans',
        hook_id: '987654',
        public: false,
        privacy: 'private_repository',
      },
      { 'x-github-delivery': 'sec-private-1', 'x-hub-signature-256': 'sha256=feedface' },
      () => '{"repository":{"full_name":"acme/secret-plans"}}',
    );
  });

  afterEach(stop);

  it('keeps the cookie without Secure when no proxy is trusted, whatever X-Forwarded-Proto says', async () => {
    await start(false);
    const answer = await login({ 'x-forwarded-proto': 'https' });
    expect(answer.status).toBe(303);
    expect(String(answer.headers['set-cookie'])).toMatch(
      /HttpOnly; SameSite=Strict; Path=\/; Max-Age=43200$/,
    );
    expect(String(answer.headers['set-cookie'])).not.toContain('Secure');
  });

  it('makes the cookie Secure only with the trusted proxy’s X-Forwarded-Proto: https', async () => {
    await start(true);
    const overTls = await login({ 'x-forwarded-proto': 'https, http' });
    expect(String(overTls.headers['set-cookie'])).toMatch(/; Secure; Max-Age=43200$/);
    const plain = await login({ 'x-forwarded-proto': 'http' });
    expect(String(plain.headers['set-cookie'])).not.toContain('Secure');
    const none = await login();
    expect(String(none.headers['set-cookie'])).not.toContain('Secure');
  });

  it('refuses an expired session (12 hours by default)', async () => {
    await start(false);
    const cookie = sessionOf((await login()).headers['set-cookie']);
    expect((await state(cookie)).status).toBe(200);
    now += 12 * HOUR;
    expect(await state(cookie)).toMatchObject({ status: 401, body: '{"error":"token_required"}' });
  });

  it('ends the session at a log-out: the cookie cleared, and the old cookie refused', async () => {
    await start(false);
    const cookie = sessionOf((await login()).headers['set-cookie']);
    const other = sessionOf((await login()).headers['set-cookie']);
    expect((await state(cookie)).status).toBe(200);
    const stream = await raw(port, { path: '/events', headers: { cookie: other }, firstChunkOnly: true });
    expect(stream.status).toBe(200);

    const foreign = await raw(port, {
      method: 'POST',
      path: '/logout',
      headers: { cookie, origin: 'http://rebind.example' },
    });
    expect(foreign.status).toBe(403);
    expect((await state(cookie)).status).toBe(200);

    const out = await raw(port, { method: 'POST', path: '/logout', headers: { cookie, origin: origin() } });
    expect(out.status).toBe(303);
    expect(String(out.headers['set-cookie'])).toMatch(new RegExp(`^${SESSION_COOKIE}=; .*Max-Age=0$`));
    expect((await state(cookie)).status).toBe(401);
    // Every session issued before the log-out, in any browser.
    expect((await state(other)).status).toBe(401);
    // A new login works.
    expect((await state(sessionOf((await login()).headers['set-cookie']))).status).toBe(200);
  });

  it('ends an open event stream once its session is gone', async () => {
    await start(false);
    const cookie = sessionOf((await login()).headers['set-cookie']);
    let opened = false;
    const ended = raw(port, { path: '/events', headers: { cookie }, onFirstChunk: () => (opened = true) });
    // The stream opened while the session lived, then the session lapsed.
    await waitFor('the event stream to open', () => opened, 5_000);
    now += 12 * HOUR;
    const answer = await ended;
    expect(answer.status).toBe(200);
    expect(answer.body.startsWith('data: ')).toBe(true);
  }, 10_000);

  it('shows a private delivery’s repository, hook and headers to the session only, and no signature to anyone', async () => {
    await start(false);
    // On loopback the page is open: what a private delivery shows without the session.
    const openServer = createDashboardServer(
      { ...config(false), host: '127.0.0.1' },
      {
        log,
        drifts: new DriftLog(),
        hours: {
          current: () => ({ hours: [], events: [], counted_at: undefined }),
        } as unknown as ArchiveHoursCounter,
        health: () => ({ ok: true }),
      },
    );
    await new Promise<void>((resolve) => openServer.listen(0, '127.0.0.1', resolve));
    const openPort = (openServer.address() as AddressInfo).port;
    try {
      const listed = JSON.parse((await raw(openPort, { path: '/state' })).body) as { requests: unknown[] };
      expect(listed.requests).toEqual([
        {
          seq: 1,
          at: expect.any(String),
          status: 202,
          bytes: 1234,
          delivery_id: 'sec-private-1',
          public: false,
          privacy: 'private_repository',
          withheld: true,
        },
      ]);
      const detail = await raw(openPort, { path: '/requests/1' });
      expect(detail.body).not.toContain('secret-plans');
      expect(detail.body).not.toContain('987654');
      expect(detail.body).not.toContain('feedface');
      expect(JSON.parse(detail.body)).toMatchObject({ payload_hidden: 'private_token_required' });
      expect(JSON.parse(detail.body).headers).toBeUndefined();
    } finally {
      openServer.closeAllConnections();
      await new Promise<void>((resolve) => openServer.close(() => resolve()));
    }

    const cookie = sessionOf((await login()).headers['set-cookie']);
    const listed = await state(cookie);
    expect(listed.body).toContain('"repository":"acme/secret-plans"');
    expect(listed.body).toContain('"hook_id":"987654"');
    const detail = JSON.parse((await raw(port, { path: '/requests/1', headers: { cookie } })).body);
    expect(detail.headers).toEqual({ 'x-github-delivery': 'sec-private-1' });
    expect(detail.payload).toContain('secret-plans');
  });
});
