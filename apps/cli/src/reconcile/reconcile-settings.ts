import { join } from 'node:path';
import {
  createDeliveryLog,
  credentialsFrom,
  GITHUB_COM_API,
  type HookSettings,
  loadArchiveIndex,
  logRetention,
  objectCheckpoint,
  RECONCILE_SETTINGS,
  type ReconcileOptions,
  type ReconcilePorts,
  readHookSettings,
  runOptions,
} from '@github-webhooks/delivery-reconciler';
import { FsObjectStore, openObjectStore } from '@github-webhooks/object-store';
import { ConfigError, type Logger, noMetrics, type Settings } from '@github-webhooks/runtime';
import { type SettingSpec, variableOf } from '../settings/declare';

/** The default window, in hours, before a hook's delivery log at `apiUrl` expires. */
const windowHours = (apiUrl: string) => logRetention(apiUrl).windowMs / 3_600_000;
const MAX_REDELIVERIES = variableOf(RECONCILE_SETTINGS, 'RECONCILE_MAX_REDELIVERIES');

/** Every option of `reconcile`, in the order `--help` and the docs list them (the Lambda's where shared). */
export const RECONCILE_COMMAND_SETTINGS = [
  {
    flag: 'hook',
    env: 'RECONCILE_HOOKS',
    kind: 'repeatable',
    value: 'HOOK',
    help: 'a hook whose delivery log is checked; comma-separated in the variable, the flag repeated for several',
  },
  {
    flag: 'since',
    env: 'RECONCILE_SINCE',
    kind: 'string',
    value: '72h|3d|TIME',
    default: `${windowHours(GITHUB_COM_API)}h`,
    help: `the window (github.com; ${windowHours('https://HOST/api/v3')}h for Enterprise Server)`,
  },
  { ...MAX_REDELIVERIES, flag: 'max-redeliveries', value: 'N' },
  {
    flag: 'archive',
    env: 'RECONCILE_ARCHIVE',
    kind: 'string',
    value: 'DIR|s3://',
    help: 'check delivered events are in this archive',
  },
  {
    flag: 'state-dir',
    env: 'RECONCILE_STATE_DIR',
    kind: 'string',
    value: 'DIR',
    default: '$ARCHIVE_DIR/reconcile',
    help: 'the checkpoint',
  },
  { flag: 'dry-run', kind: 'boolean', help: 'decide and report, redeliver nothing, change nothing' },
  { flag: 'json', kind: 'boolean', help: 'one JSON object: counts, complete, items' },
] as const satisfies readonly SettingSpec[];

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
