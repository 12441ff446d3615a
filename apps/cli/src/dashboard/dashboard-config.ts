import type { Settings } from '@github-webhooks/runtime';
import { UsageError } from '../errors';
import { DASHBOARD_SETTINGS } from '../serve/serve-settings';
import { DeclaredSettings } from '../settings/declare';
import { type AllowedHost, parseAllowedHosts } from './host-check';

export interface DashboardConfig {
  readonly host: string;
  readonly port: number;
  /** Unlocks private deliveries (and, off loopback, the whole page); undefined: never shown. */
  readonly token: string | undefined;
  /** Host names the page answers besides loopback's (127.0.0.1, [::1], localhost). */
  readonly allowedHosts: readonly AllowedHost[];
  /** Believe a reverse proxy's `X-Forwarded-Proto` (the session cookie is then `Secure` over TLS). */
  readonly trustProxy: boolean;
  /** A session expires this long after the token was entered. */
  readonly sessionMs: number;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;
export const isLoopback = (host: string): boolean => LOOPBACK.test(host);

/**
 * DASHBOARD_PORT (8081; `off` disables), DASHBOARD_HOST (127.0.0.1), DASHBOARD_TOKEN (≥ 16 characters),
 * DASHBOARD_ALLOWED_HOSTS (comma-separated host[:port]), DASHBOARD_TRUST_PROXY (false),
 * DASHBOARD_SESSION_HOURS (12).
 */
export function readDashboardConfig(settings: Settings): DashboardConfig | undefined {
  if (settings.optional('DASHBOARD_PORT') === 'off') return undefined;
  const declared = new DeclaredSettings(settings, DASHBOARD_SETTINGS);
  const port = declared.integer('DASHBOARD_PORT');
  const host = declared.string('DASHBOARD_HOST');
  const token = settings.optional('DASHBOARD_TOKEN');
  if (token !== undefined && token.length < 16)
    throw new UsageError(`DASHBOARD_TOKEN has ${token.length} characters; it needs at least 16`);
  if (token === undefined && !isLoopback(host))
    throw new UsageError(
      `DASHBOARD_HOST ${host} is not a loopback address: set DASHBOARD_TOKEN, or DASHBOARD_PORT=off`,
    );
  return {
    host,
    port,
    token,
    allowedHosts: settings.parsed('DASHBOARD_ALLOWED_HOSTS', parseAllowedHosts),
    trustProxy: declared.boolean('DASHBOARD_TRUST_PROXY'),
    sessionMs: 3_600_000 * declared.integer('DASHBOARD_SESSION_HOURS'),
  };
}
