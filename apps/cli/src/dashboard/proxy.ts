import type { IncomingHttpHeaders } from 'node:http';

/**
 * Whether the browser reached the page over TLS, through a reverse proxy in front of it: its
 * `X-Forwarded-Proto: https` (the first, the proxy nearest the browser), believed only with
 * DASHBOARD_TRUST_PROXY (anyone can send the header to a page reached directly). The page itself
 * speaks plain HTTP.
 */
export function reachedOverTls(headers: IncomingHttpHeaders, trustProxy: boolean): boolean {
  if (!trustProxy) return false;
  const value = headers['x-forwarded-proto'];
  const first = (Array.isArray(value) ? value[0] : value)?.split(',')[0]?.trim().toLowerCase();
  return first === 'https';
}
