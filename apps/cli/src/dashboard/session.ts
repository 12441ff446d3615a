import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'gw_dashboard';

/** A session issued by a clock a little ahead (then stepped back) still counts. */
const CLOCK_SKEW_MS = 5 * 60_000;
const VALUE = /^v1\.(\d{1,15})\.([0-9a-f]{64})$/;

const equal = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export const isToken = (given: string, token: string): boolean => equal(given, token);

export interface SessionOptions {
  /** A session is refused once it is older than this. */
  readonly maxAgeMs: number;
  /** Milliseconds since the epoch; tests inject theirs. */
  readonly now?: () => number;
}

/**
 * The page's sessions, after the token was entered: `v1.<issued at, ms>.<HMAC-SHA256>` in the cookie,
 * signed with a key drawn at random when serve starts (so neither the token nor anything derived from
 * it travels after the form). A session expires `maxAgeMs` after it was issued; a log-out draws a new
 * key, which ends every session issued before it, in every browser; a restart ends them all too.
 */
export class Sessions {
  private key = randomBytes(32);
  private readonly now: () => number;

  constructor(private readonly options: SessionOptions) {
    this.now = options.now ?? Date.now;
  }

  get maxAgeMs(): number {
    return this.options.maxAgeMs;
  }

  /** A new session's cookie value. */
  issue(): string {
    const at = this.now();
    return `v1.${at}.${this.mac(at)}`;
  }

  /** Whether the request's cookie header holds a session of this key, not expired. */
  valid(cookieHeader: string | undefined): boolean {
    if (cookieHeader === undefined) return false;
    const now = this.now();
    return cookieHeader
      .split(';')
      .map((c) => c.trim().split('='))
      .some(([name, value]) => {
        const parts = name === SESSION_COOKIE && value !== undefined ? VALUE.exec(value) : null;
        if (parts === null) return false;
        const at = Number(parts[1]);
        if (!equal(parts[2] ?? '', this.mac(at))) return false;
        return at <= now + CLOCK_SKEW_MS && now - at < this.options.maxAgeMs;
      });
  }

  /** Log-out: every session issued so far is refused from now on. */
  endAll(): void {
    this.key = randomBytes(32);
  }

  private mac(at: number): string {
    return createHmac('sha256', this.key).update(`github-webhooks dashboard session v1 ${at}`).digest('hex');
  }
}

const attributes = (secure: boolean) => `HttpOnly; SameSite=Strict; Path=/${secure ? '; Secure' : ''}`;

/** `Secure` when the page was reached over TLS (see reachedOverTls). */
export const sessionCookie = (value: string, maxAgeMs: number, secure: boolean): string =>
  `${SESSION_COOKIE}=${value}; ${attributes(secure)}; Max-Age=${Math.floor(maxAgeMs / 1000)}`;

/** What a log-out sends: the cookie emptied and expired. */
export const clearedSessionCookie = (secure: boolean): string =>
  `${SESSION_COOKIE}=; ${attributes(secure)}; Max-Age=0`;
