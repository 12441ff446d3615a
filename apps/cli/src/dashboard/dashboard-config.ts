import type { Settings } from '@github-webhooks/runtime';
import { UsageError } from '../errors';

export interface DashboardConfig {
  readonly host: string;
  readonly port: number;
  /** Unlocks private payloads (and, off loopback, the whole page); undefined: never shown. */
  readonly token: string | undefined;
}

export const DASHBOARD_FLAGS = {
  'dashboard-host': 'DASHBOARD_HOST',
  'dashboard-port': 'DASHBOARD_PORT',
  'dashboard-token': 'DASHBOARD_TOKEN',
} as const;

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;
export const isLoopback = (host: string): boolean => LOOPBACK.test(host);

/** DASHBOARD_PORT (8081; `off` disables), DASHBOARD_HOST (127.0.0.1), DASHBOARD_TOKEN (≥ 16 characters). */
export function readDashboardConfig(settings: Settings): DashboardConfig | undefined {
  if (settings.optional('DASHBOARD_PORT') === 'off') return undefined;
  const port = settings.integer('DASHBOARD_PORT', { fallback: 8081, min: 0, max: 65_535 });
  const host = settings.string('DASHBOARD_HOST', '127.0.0.1');
  const token = settings.optional('DASHBOARD_TOKEN');
  if (token !== undefined && token.length < 16)
    throw new UsageError(`DASHBOARD_TOKEN has ${token.length} characters; it needs at least 16`);
  if (token === undefined && !isLoopback(host))
    throw new UsageError(
      `DASHBOARD_HOST ${host} is not a loopback address: set DASHBOARD_TOKEN, or DASHBOARD_PORT=off`,
    );
  return { host, port, token };
}
