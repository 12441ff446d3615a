import { createHmac, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'gw_dashboard';

/** The cookie's value: derived from the token, so the token itself never travels after the form. */
export const sessionValue = (token: string): string =>
  createHmac('sha256', token).update('github-webhooks dashboard session').digest('hex');

const equal = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export const isToken = (given: string, token: string): boolean => equal(given, token);

/** Whether the request's cookie header holds the session of this token. */
export function hasSession(cookieHeader: string | undefined, token: string | undefined): boolean {
  if (token === undefined || cookieHeader === undefined) return false;
  const expected = sessionValue(token);
  return cookieHeader
    .split(';')
    .map((c) => c.trim().split('='))
    .some(([name, value]) => name === SESSION_COOKIE && value !== undefined && equal(value, expected));
}

export const sessionCookie = (token: string): string =>
  `${SESSION_COOKIE}=${sessionValue(token)}; HttpOnly; SameSite=Strict; Path=/; Max-Age=2592000`;
