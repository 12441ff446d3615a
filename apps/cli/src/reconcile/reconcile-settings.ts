import { join } from 'node:path';
import {
  createDeliveryLog,
  credentialsFrom,
  GITHUB_COM_API,
  type HookRef,
  loadArchiveIndex,
  logRetention,
  objectCheckpoint,
  parseHooks,
  parseSince,
  type ReconcileOptions,
  type ReconcilePorts,
} from '@github-webhooks/delivery-reconciler';
import { FsObjectStore, openObjectStore } from '@github-webhooks/object-store';
import { ConfigError, type Logger, noMetrics, type Settings } from '@github-webhooks/runtime';

/** What `reconcile` and `serve --reconcile-every` read, flag or environment. */
export interface ReconcileSettings {
  readonly apiUrl: string;
  readonly hooks: readonly HookRef[];
  readonly sinceText: string | undefined;
  readonly maxRedeliveries: number;
  /** Checked against, when given: a directory or s3://bucket/prefix. */
  readonly archive: string | undefined;
  readonly stateDir: string;
  readonly ports: Pick<ReconcilePorts, 'log' | 'checkpoint'>;
}

/**
 * GITHUB_API_URL (default https://api.github.com; a GitHub Enterprise Server's https://HOST/api/v3),
 * GITHUB_TOKEN or GITHUB_APP_ID + GITHUB_APP_PRIVATE_KEY, the hooks (RECONCILE_HOOKS), the state
 * directory (RECONCILE_STATE_DIR, default $ARCHIVE_DIR/reconcile).
 */
export function readReconcileSettings(settings: Settings, archiveDir: string): ReconcileSettings {
  const apiUrl = settings.string('GITHUB_API_URL', GITHUB_COM_API, {
    test: /^https?:\/\/[^\s]+$/,
    what: 'an http(s) URL',
  });
  const hooks = parseHooks(settings.list('RECONCILE_HOOKS'), 'RECONCILE_HOOKS (or --hook)');
  if (hooks.length === 0)
    throw new ConfigError('RECONCILE_HOOKS', 'name at least one hook with --hook (or RECONCILE_HOOKS)');
  const credentials = credentialsFrom({
    token: settings.optional('GITHUB_TOKEN'),
    appId: settings.optional('GITHUB_APP_ID'),
    privateKey: settings.optional('GITHUB_APP_PRIVATE_KEY'),
  });
  if (credentials === undefined)
    throw new ConfigError('GITHUB_TOKEN', 'set GITHUB_TOKEN, or GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY');
  const stateDir = settings.string('RECONCILE_STATE_DIR', join(archiveDir, 'reconcile'));
  return {
    apiUrl,
    hooks,
    sinceText: settings.optional('RECONCILE_SINCE'),
    maxRedeliveries: settings.integer('RECONCILE_MAX_REDELIVERIES', { fallback: 5, min: 0, max: 100 }),
    archive: settings.optional('RECONCILE_ARCHIVE'),
    stateDir,
    ports: {
      log: createDeliveryLog({ baseUrl: apiUrl, credentials }),
      checkpoint: objectCheckpoint(new FsObjectStore(stateDir), 'checkpoint.json'),
    },
  };
}

/** One run's options and ports from the settings, at `now`. */
export function reconcileRun(
  settings: ReconcileSettings,
  now: Date,
  extra: {
    readonly dryRun?: boolean;
    readonly logger: Logger;
    readonly progress?: ReconcilePorts['progress'];
  },
): { options: ReconcileOptions; ports: ReconcilePorts } {
  const { retentionMs, windowMs } = logRetention(settings.apiUrl);
  const since =
    settings.sinceText === undefined
      ? new Date(now.getTime() - windowMs)
      : parseSince(settings.sinceText, now);
  const archive = settings.archive;
  return {
    options: {
      hooks: settings.hooks,
      since,
      retentionMs,
      maxRedeliveries: settings.maxRedeliveries,
      dryRun: extra.dryRun ?? false,
      // An S3 archive gets records through Firehose's buffer (up to 15 min); a local one at once.
      archiveGraceMs: archive?.startsWith('s3://') ? 20 * 60_000 : 60_000,
    },
    ports: {
      ...settings.ports,
      logger: extra.logger,
      metrics: noMetrics,
      clock: () => new Date(),
      ...(extra.progress === undefined ? {} : { progress: extra.progress }),
      ...(archive === undefined
        ? {}
        : { archive: (from: Date, to: Date) => loadArchiveIndex(openObjectStore(archive), from, to) }),
    },
  };
}
