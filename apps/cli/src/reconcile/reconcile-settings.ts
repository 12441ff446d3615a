import { join } from 'node:path';
import {
  createDeliveryLog,
  credentialsFrom,
  type HookSettings,
  loadArchiveIndex,
  objectCheckpoint,
  type ReconcileOptions,
  type ReconcilePorts,
  readHookSettings,
  runOptions,
} from '@github-webhooks/delivery-reconciler';
import { FsObjectStore, openObjectStore } from '@github-webhooks/object-store';
import { ConfigError, type Logger, noMetrics, type Settings } from '@github-webhooks/runtime';

/** What `reconcile` and `serve --reconcile-every` read, flag or environment. */
export interface ReconcileSettings extends HookSettings {
  readonly sinceText: string | undefined;
  /** Checked against, when given: a directory or s3://bucket/prefix. */
  readonly archive: string | undefined;
  readonly stateDir: string;
  readonly ports: Pick<ReconcilePorts, 'log' | 'checkpoint'>;
}

/**
 * The Lambda's settings, read by its reader (GITHUB_API_URL, RECONCILE_HOOKS, RECONCILE_MAX_REDELIVERIES),
 * then the credentials from the environment, GITHUB_TOKEN or GITHUB_APP_ID + GITHUB_APP_PRIVATE_KEY
 * (the Lambda's are SSM parameters), and the state directory (RECONCILE_STATE_DIR, default
 * $ARCHIVE_DIR/reconcile).
 */
export function readReconcileSettings(settings: Settings, archiveDir: string): ReconcileSettings {
  const shared = readHookSettings(settings, 'RECONCILE_HOOKS (or --hook)');
  if (shared.hooks.length === 0)
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
    ...shared,
    sinceText: settings.optional('RECONCILE_SINCE'),
    archive: settings.optional('RECONCILE_ARCHIVE'),
    stateDir,
    ports: {
      log: createDeliveryLog({ baseUrl: shared.apiUrl, credentials }),
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
  const archive = settings.archive;
  return {
    options: runOptions(settings, now, {
      since: settings.sinceText,
      archive: archive === undefined ? undefined : archive.startsWith('s3://') ? 's3' : 'local',
      dryRun: extra.dryRun ?? false,
    }),
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
