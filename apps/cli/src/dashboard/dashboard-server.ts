import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { ArchiveHoursCounter } from './archive-hours';
import { APP_JS, PAGE_CSS, PAGE_HTML } from './assets';
import type { DashboardConfig } from './dashboard-config';
import { isLoopback } from './dashboard-config';
import type { DriftLog } from './drift-log';
import { hostAllowed, originAllowed } from './host-check';
import { detailView, entryView } from './private-view';
import { reachedOverTls } from './proxy';
import type { RequestLog } from './request-log';
import { clearedSessionCookie, isToken, Sessions, sessionCookie } from './session';

export interface DashboardSources {
  readonly log: RequestLog;
  /** The last drifts (their counts are in health's `privacy_drift`). */
  readonly drifts: DriftLog;
  readonly hours: ArchiveHoursCounter;
  /** serve's /healthz report: relay, broker, compactor, reconciler. */
  readonly health: () => Record<string, unknown>;
}

export interface DashboardClock {
  /** Milliseconds since the epoch, for the sessions' expiry; tests inject theirs. */
  readonly now?: () => number;
}

const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; frame-ancestors 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  // Not `no-referrer`: with it a browser sends `Origin: null` on the page's own form posts, and the
  // Origin check could not tell them from another site's. Other sites still get no referrer.
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
};

type Send = (status: number, type: string, body: string, headers?: Record<string, string>) => void;

/**
 * The local stack's web page: a server of its own (127.0.0.1:8081 by default), apart from the
 * webhook port. It answers only loopback Host names and DASHBOARD_ALLOWED_HOSTS (421 otherwise, so
 * a site the operator visits cannot read it through DNS rebinding), and logs in or out only from
 * its own Origin. Off loopback everything needs the token's session; a private delivery's
 * repository, action, hook, headers and payload need it wherever the page is served, and are never
 * shown when no token is configured.
 */
export function createDashboardServer(
  config: DashboardConfig,
  sources: DashboardSources,
  clock: DashboardClock = {},
): Server {
  const open = isLoopback(config.host);
  const sessions = new Sessions({ maxAgeMs: config.sessionMs, ...(clock.now ? { now: clock.now } : {}) });
  return createServer((req, res) => {
    const send: Send = (status, type, body, headers = {}) =>
      res.writeHead(status, { 'content-type': type, ...SECURITY_HEADERS, ...headers }).end(body);
    const port = req.socket.localPort;
    if (!hostAllowed(req.headers.host, port, config.allowedHosts))
      return send(
        421,
        'text/plain',
        'misdirected request: this page answers 127.0.0.1, [::1], localhost and DASHBOARD_ALLOWED_HOSTS only',
      );
    const url = new URL(req.url ?? '/', 'http://dashboard');
    const authorized = () => sessions.valid(req.headers.cookie);
    if (req.method === 'POST' && (url.pathname === '/login' || url.pathname === '/logout')) {
      if (!originAllowed(req.headers.origin, port, config.allowedHosts))
        return send(403, 'text/plain', 'forbidden: not sent from this page (Origin)');
      const secure = reachedOverTls(req.headers, config.trustProxy);
      if (url.pathname === '/logout') {
        // Only a session can end them all; without one, the cookie is cleared all the same.
        if (authorized()) sessions.endAll();
        return send(303, 'text/plain', 'logged out', {
          location: '/',
          'set-cookie': clearedSessionCookie(secure),
        });
      }
      return void login(req, config, sessions, secure, send);
    }
    if (req.method !== 'GET') return send(405, 'text/plain', 'method not allowed');
    if (url.pathname === '/app.js') return send(200, 'text/javascript; charset=utf-8', APP_JS);
    if (url.pathname === '/app.css') return send(200, 'text/css; charset=utf-8', PAGE_CSS);
    if (url.pathname === '/') return send(200, 'text/html; charset=utf-8', PAGE_HTML);
    if (!open && !authorized())
      return send(401, 'application/json', JSON.stringify({ error: 'token_required' }));
    if (url.pathname === '/state')
      return send(200, 'application/json', JSON.stringify(state(sources, config, authorized())));
    if (url.pathname === '/events')
      // The session is checked again on every update: a log-out or an expiry shows within 2 s.
      return events(req, res, sources.log, () => {
        const session = authorized();
        return open || session ? state(sources, config, session) : undefined;
      });
    const detail = /^\/requests\/(\d+)$/.exec(url.pathname);
    if (detail) {
      const found = sources.log.detail(Number(detail[1]));
      if (found === undefined) return send(404, 'application/json', JSON.stringify({ error: 'not_kept' }));
      return send(
        200,
        'application/json',
        JSON.stringify(detailView(found, authorized(), config.token !== undefined)),
      );
    }
    return send(404, 'text/plain', 'not found');
  });
}

function state(sources: DashboardSources, config: DashboardConfig, authorized: boolean) {
  return {
    requests: sources.log.entries().map((entry) => entryView(entry, authorized)),
    rejected: sources.log.rejectedByReason(),
    drifts: sources.drifts.recent(),
    archive: sources.hours.current(),
    health: sources.health(),
    session: { token_configured: config.token !== undefined, authorized },
  };
}

/**
 * Server-sent events: the state at once, then on every new request (at most 5 a second) and every
 * 2 s; the stream ends when `current` gives nothing (the session it needed is gone).
 */
function events(
  req: IncomingMessage,
  res: ServerResponse,
  log: RequestLog,
  current: () => unknown | undefined,
): void {
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': 'text/event-stream',
    connection: 'keep-alive',
  });
  let queued: NodeJS.Timeout | undefined;
  const push = () => {
    queued = undefined;
    if (res.writableEnded) return;
    const data = current();
    if (data === undefined) res.end();
    else res.write(`data: ${JSON.stringify(data)}\n\n`);
  };
  const soon = () => {
    queued ??= setTimeout(push, 200);
  };
  const unsubscribe = log.onChange(soon);
  const tick = setInterval(push, 2_000);
  const stop = () => {
    clearInterval(tick);
    if (queued) clearTimeout(queued);
    unsubscribe();
  };
  req.on('close', stop);
  res.on('finish', stop);
  push();
}

function login(
  req: IncomingMessage,
  config: DashboardConfig,
  sessions: Sessions,
  secure: boolean,
  send: Send,
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= 4096) chunks.push(chunk);
  });
  req.on('end', () => {
    const token = new URLSearchParams(Buffer.concat(chunks).toString('utf8')).get('token') ?? '';
    if (config.token === undefined || size > 4096 || !isToken(token, config.token))
      return send(303, 'text/plain', 'wrong token', { location: '/?login=failed' });
    send(303, 'text/plain', 'ok', {
      location: '/',
      'set-cookie': sessionCookie(sessions.issue(), sessions.maxAgeMs, secure),
    });
  });
}
