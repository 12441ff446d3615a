import { ConfigError } from '@github-webhooks/runtime';
import type { GitHubCredentials } from './github/auth';
import { type HookRef, hookName, parseHook } from './hooks';

export const GITHUB_COM_API = 'https://api.github.com';

/** GITHUB_API_URL: https to any host; plain http only to this machine (a stand-in), the token crosses the network otherwise. */
export const GITHUB_API_URL_RULE = {
  test: /^(https:\/\/\S+|http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/\S*)?)$/,
  what: 'an https URL (plain http only to 127.0.0.1, localhost or [::1])',
} as const;

/** GITHUB_APP_ID, the Lambda's and the CLI's. */
export const APP_ID_RULE = { test: /^\d{1,20}$/, what: "the App's numeric id" } as const;
const HOUR = 3_600_000;

/** How long the hook's delivery log is kept, and the default window: a little less, so a run sees it whole. */
export function logRetention(apiUrl: string): { retentionMs: number; windowMs: number } {
  // GitHub Enterprise Server (`https://HOST/api/v3`) keeps deliveries 7 days, github.com 3.
  const enterprise = new URL(apiUrl).origin !== GITHUB_COM_API;
  return enterprise
    ? { retentionMs: 168 * HOUR, windowMs: 167 * HOUR }
    : { retentionMs: 72 * HOUR, windowMs: 71 * HOUR };
}

/** `--since`: a duration back from now (`71h`, `3d`, `90m`) or an ISO-8601 time. */
export function parseSince(text: string, now: Date, variable = '--since'): Date {
  const duration = /^(\d{1,6})([mhd])$/.exec(text.trim());
  if (duration) {
    const unit = { m: 60_000, h: HOUR, d: 24 * HOUR }[duration[2] as 'm' | 'h' | 'd'];
    return new Date(now.getTime() - Number(duration[1]) * unit);
  }
  const at = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text.trim()) || Number.isNaN(at))
    throw new ConfigError(
      variable,
      `${variable} must be a duration (71h, 3d, 90m) or an ISO-8601 time, got ${JSON.stringify(text)}`,
    );
  return new Date(at);
}

/** A comma-separated list of hooks (RECONCILE_HOOKS), each as parseHook reads it. */
export function parseHooks(list: readonly string[], variable: string): HookRef[] {
  try {
    // A hook named twice is read once.
    const hooks = new Map(list.map((spec) => [hookName(parseHook(spec)), parseHook(spec)]));
    return [...hooks.values()];
  } catch (error) {
    throw new ConfigError(variable, `${variable}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * GITHUB_TOKEN, or GITHUB_APP_ID with GITHUB_APP_PRIVATE_KEY (PEM; `\n` escapes, as an environment
 * variable often holds them, are read as newlines). Undefined when neither is set.
 */
export function credentialsFrom(values: {
  readonly token?: string | undefined;
  readonly appId?: string | undefined;
  readonly privateKey?: string | undefined;
}): GitHubCredentials | undefined {
  const token = values.token?.trim();
  const appId = values.appId?.trim();
  const privateKey = values.privateKey?.trim().replaceAll('\\n', '\n');
  if (token && appId) throw new ConfigError('GITHUB_TOKEN', 'set GITHUB_TOKEN or GITHUB_APP_ID, not both');
  if (token) return { kind: 'token', token };
  if (appId === undefined || appId === '') {
    if (privateKey)
      throw new ConfigError('GITHUB_APP_ID', 'GITHUB_APP_PRIVATE_KEY is set: GITHUB_APP_ID must be set too');
    return undefined;
  }
  if (!APP_ID_RULE.test.test(appId))
    throw new ConfigError(
      'GITHUB_APP_ID',
      `GITHUB_APP_ID must be ${APP_ID_RULE.what}, got ${JSON.stringify(appId)}`,
    );
  if (!privateKey?.includes('PRIVATE KEY'))
    throw new ConfigError(
      'GITHUB_APP_PRIVATE_KEY',
      "GITHUB_APP_PRIVATE_KEY must be the App's private key (PEM)",
    );
  return { kind: 'app', appId, privateKey };
}
