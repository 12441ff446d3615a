import { DeclaredSettings, type Settings } from '@github-webhooks/runtime';
import { RECONCILE_SETTINGS } from './environment';
import { ARCHIVE_GRACE_MS, type ReconcileOptions } from './hook-run';
import type { HookRef } from './hooks';
import { GITHUB_API_URL_RULE, logRetention, parseHooks, parseSince } from './settings';

/** The settings the Lambda and the CLI share: which hooks, at which API, redelivered how often. */
export interface HookSettings {
  readonly apiUrl: string;
  readonly hooks: readonly HookRef[];
  readonly maxRedeliveries: number;
}

/**
 * The one reader of the shared settings (RECONCILE_SETTINGS), for the Lambda's readConfig and the
 * CLI's reconcile; `hooksVariable` is how an error names the hooks (the CLI adds its flag).
 */
export function readHookSettings(settings: Settings, hooksVariable = 'RECONCILE_HOOKS'): HookSettings {
  const declared = new DeclaredSettings(settings, RECONCILE_SETTINGS);
  return {
    apiUrl: declared.string('GITHUB_API_URL', GITHUB_API_URL_RULE),
    hooks: parseHooks(declared.list('RECONCILE_HOOKS'), hooksVariable),
    maxRedeliveries: declared.integer('RECONCILE_MAX_REDELIVERIES'),
  };
}

/**
 * One run's options at `now`: the window and retention of the API's log (github.com or Enterprise
 * Server), `since` when given (`71h`, an ISO time), the archive's grace when one is checked.
 */
export function runOptions(
  settings: HookSettings,
  now: Date,
  run: {
    readonly since?: string | undefined;
    readonly archive?: keyof typeof ARCHIVE_GRACE_MS | undefined;
    readonly dryRun?: boolean;
  } = {},
): ReconcileOptions {
  const { retentionMs, windowMs } = logRetention(settings.apiUrl);
  return {
    hooks: settings.hooks,
    since: run.since === undefined ? new Date(now.getTime() - windowMs) : parseSince(run.since, now),
    retentionMs,
    maxRedeliveries: settings.maxRedeliveries,
    dryRun: run.dryRun ?? false,
    ...(run.archive === undefined ? {} : { archiveGraceMs: ARCHIVE_GRACE_MS[run.archive] }),
  };
}
