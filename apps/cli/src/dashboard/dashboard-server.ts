import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { ArchiveHoursCounter } from './archive-hours';
import { APP_JS, PAGE_CSS, PAGE_HTML } from './assets';
import type { DashboardConfig } from './dashboard-config';
import { isLoopback } from './dashboard-config';
import type { DriftLog } from './drift-log';
import type { RequestLog } from './request-log';
import { hasSession, isToken, sessionCookie } from './session';

export interface DashboardSources {
  readonly log: RequestLog;
  /** The last drifts (their counts are in health's `privacy_drift`). */
  readonly drifts: DriftLog;
  readonly hours: ArchiveHoursCounter;
  /** serve's /healthz report: relay, broker, compactor, reconciler. */
  readonly health: () => Record<string, unknown>;
}

const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; frame-ancestors 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

/**
 * The local stack's web page: a server of its own (127.0.0.1:8081 by default), apart from the
 * webhook port. Off loopback everything needs the token's session; a private delivery's payload
 * needs it wherever the page is served, and is never shown when no token is configured.
 */
export function createDashboardServer(config: DashboardConfig, sources: DashboardSources): Server {
  const open = isLoopback(config.host);
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://dashboard');
    const authorized = hasSession(req.headers.cookie, config.token);
    const send = (status: number, type: string, body: string, headers: Record<string, string> = {}) =>
      res.writeHead(status, { 'content-type': type, ...SECURITY_HEADERS, ...headers }).end(body);
    if (req.method === 'POST' && url.pathname === '/login') return void login(req, res, config, send);
    if (req.method !== 'GET') return send(405, 'text/plain', 'method not allowed');
    if (url.pathname === '/app.js') return send(200, 'text/javascript; charset=utf-8', APP_JS);
    if (url.pathname === '/app.css') return send(200, 'text/css; charset=utf-8', PAGE_CSS);
    if (url.pathname === '/') return send(200, 'text/html; charset=utf-8', PAGE_HTML);
    if (!open && !authorized)
      return send(401, 'application/json', JSON.stringify({ error: 'token_required' }));
    if (url.pathname === '/state')
      return send(200, 'application/json', JSON.stringify(state(sources, config, authorized)));
    if (url.pathname === '/events')
      return events(req, res, sources.log, () => state(sources, config, authorized));
    const detail = /^\/requests\/(\d+)$/.exec(url.pathname);
    if (detail) {
      const found = sources.log.detail(Number(detail[1]));
      if (found === undefined) return send(404, 'application/json', JSON.stringify({ error: 'not_kept' }));
      const mayShow = found.entry.public === true || authorized;
      const reason = mayShow
        ? undefined
        : config.token === undefined
          ? 'private_no_token_configured'
          : 'private_token_required';
      return send(
        200,
        'application/json',
        JSON.stringify({ ...found, payload: mayShow ? found.payload : undefined, payload_hidden: reason }),
      );
    }
    return send(404, 'text/plain', 'not found');
  });
}

function state(sources: DashboardSources, config: DashboardConfig, authorized: boolean) {
  return {
    requests: sources.log.entries(),
    rejected: sources.log.rejectedByReason(),
    drifts: sources.drifts.recent(),
    archive: sources.hours.current(),
    health: sources.health(),
    session: { token_configured: config.token !== undefined, authorized },
  };
}

/** Server-sent events: the state at once, then on every new request (at most 5 a second) and every 2 s. */
function events(req: IncomingMessage, res: ServerResponse, log: RequestLog, current: () => unknown): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-store',
    connection: 'keep-alive',
  });
  let queued: NodeJS.Timeout | undefined;
  const push = () => {
    queued = undefined;
    res.write(`data: ${JSON.stringify(current())}\n\n`);
  };
  const soon = () => {
    queued ??= setTimeout(push, 200);
  };
  push();
  const unsubscribe = log.onChange(soon);
  const tick = setInterval(push, 2_000);
  req.on('close', () => {
    clearInterval(tick);
    if (queued) clearTimeout(queued);
    unsubscribe();
  });
}

function login(
  req: IncomingMessage,
  _res: ServerResponse,
  config: DashboardConfig,
  send: (status: number, type: string, body: string, headers?: Record<string, string>) => void,
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
    send(303, 'text/plain', 'ok', { location: '/', 'set-cookie': sessionCookie(config.token) });
  });
}
