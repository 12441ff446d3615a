import {
  COMPACTOR_LEASE_KEY,
  type CompactionReport,
  compactHour,
  compactPending,
  type HourReport,
  hourClosesAt,
  importOriginal,
  withCompactorLease,
} from '@github-webhooks/archive-compactor';
import { hourLabel, hourStart } from '@github-webhooks/events';
import { FsObjectStore, isLeaseHeld, openObjectStore } from '@github-webhooks/object-store';
import { JsonLogger } from '@github-webhooks/runtime';
import { archiveLocation, defineCommand, flagInteger } from '../command';
import { ArchiveBusyError, UsageError } from '../errors';
import { parseTime } from '../parse-time';
import { Progress } from '../progress';
import { relayPassedOnDisk } from '../relay/relay-passed';
import { SERVE_SETTINGS } from '../serve/serve-settings';
import { ARCHIVE_SETTING } from '../settings/archive-setting';
import {
  flagIntegerOf,
  flagStringOf,
  optionsHelp,
  parseOptions,
  type SettingSpec,
  settingOf,
} from '../settings/declare';

/** serve's lateness setting: the same default and bounds for an hour compacted by the command. */
const LATENESS = settingOf(SERVE_SETTINGS, 'lateness');

/** The archive's Firehose buffer interval (the stack's, and Firehose's longest). */
const FIREHOSE_BUFFER_SECONDS = 900;

/** Every option of `compact`, in the order `--help` and the docs list them. */
export const COMPACT_SETTINGS = [
  ARCHIVE_SETTING,
  {
    flag: 'hour',
    kind: 'string',
    value: 'YYYY-MM-DDTHH',
    help: 'compact this hour only (once it has closed)',
  },
  { flag: 'all', kind: 'boolean', help: 'compact every closed hour that needs it (the default)' },
  {
    flag: 'import-original',
    kind: 'string',
    value: 'PREFIX',
    help: "import the original system's archive under PREFIX (e.g. original/)",
  },
  {
    // The flag only: LATENESS_SECONDS is serve's timer's.
    flag: LATENESS.flag,
    kind: LATENESS.kind,
    value: LATENESS.value,
    default: LATENESS.default,
    min: LATENESS.min,
    max: LATENESS.max,
    help: `${LATENESS.help} (at least ${LATENESS.min})`,
  },
  {
    flag: 'buffer',
    kind: 'integer',
    value: 'SECONDS',
    min: 0,
    max: FIREHOSE_BUFFER_SECONDS,
    help: `Firehose buffer interval (default ${FIREHOSE_BUFFER_SECONDS} for s3://, 0 for a directory)`,
  },
  {
    flag: 'disposal',
    kind: 'string',
    value: 'delete|tag',
    default: 'delete',
    help: 'what happens to compacted raw objects',
  },
  { flag: 'json', kind: 'boolean', help: 'print the report as JSON' },
] as const satisfies readonly SettingSpec[];

const LATENESS_FLAG = settingOf(COMPACT_SETTINGS, 'lateness');
const BUFFER = settingOf(COMPACT_SETTINGS, 'buffer');
const DISPOSAL = settingOf(COMPACT_SETTINGS, 'disposal');

export interface CompactCommandDeps {
  /** The compactor's clock: which hours are closed. Default: the system's. */
  readonly clock?: () => Date;
}

/**
 * `github-webhooks compact`. It holds the archive's compactor lease while it works, so it never runs
 * beside serve's timer, another `compact` or the Lambda (it exits 1 saying who has the archive); on
 * a local archive it removes a raw file only once serve's relay has read it to its end, by the
 * relay's cursor on disk, the same rule serve's own timer applies.
 */
export const createCompactCommand = (deps: CompactCommandDeps = {}) =>
  defineCommand({
    name: 'compact',
    summary: 'compact raw archive objects into hourly files (a directory or s3://bucket/prefix)',
    help: `Usage: github-webhooks compact [options]

${optionsHelp(COMPACT_SETTINGS)}

One compaction of an archive at a time: serve's timer, another compact or the
archive-compactor Lambda holding it makes this one exit 1 saying who. On a local
archive, a raw file is removed only once serve's relay has read it to its end
(relay/cursor.json), as serve's own compactor does.`,
    options: parseOptions(COMPACT_SETTINGS),
    async run(values, env) {
      const location = archiveLocation(values, env);
      const disposal = flagStringOf(DISPOSAL, values.disposal);
      if (disposal !== 'delete' && disposal !== 'tag')
        throw new UsageError('--disposal must be delete or tag');
      if (values.hour && values.all) throw new UsageError('give --hour or --all, not both');
      const rule = {
        latenessMs: 1000 * flagIntegerOf(LATENESS_FLAG, values.lateness),
        bufferMs:
          1000 *
          flagInteger('buffer', values.buffer, {
            fallback: location.startsWith('s3://') ? FIREHOSE_BUFFER_SECONDS : 0,
            min: BUFFER.min,
            max: BUFFER.max,
          }),
      };
      const now = (deps.clock ?? (() => new Date()))();
      // An hour still being written (a local archive file growing) is compacted once it has closed.
      const hour =
        values['import-original'] || !values.hour ? undefined : hourStart(parseTime('hour', values.hour));
      if (hour !== undefined && hourClosesAt(hour, rule) > now) {
        throw new UsageError(
          `${hourLabel(hour)} is not closed yet; it can be compacted after ${hourClosesAt(hour, rule).toISOString()}`,
        );
      }
      const store = openObjectStore(location);
      const local = store instanceof FsObjectStore;
      const logger = new JsonLogger('github-webhooks-compact', { out: process.stderr, minLevel: 'warn' });
      const progress = new Progress('compacting');
      let steps = 0;
      const common = {
        store,
        now,
        disposal,
        logger,
        onProgress: (event: { type: string; hour?: string }) =>
          progress.update(++steps, undefined, event.hour ?? ''),
        // serve's archive: a raw file goes only once its relay has read it (its cursor on disk).
        ...(local ? { disposable: await relayPassedOnDisk(store.rootDir) } : {}),
      } as const;
      const report = await withCompactorLease(
        { store, holder: 'github-webhooks compact', local, logger },
        (signal): Promise<CompactionReport | HourReport> => {
          if (values['import-original'])
            return importOriginal({ ...common, signal, prefix: values['import-original'] });
          if (hour !== undefined) return compactHour({ ...common, signal, hour });
          return compactPending({ ...common, signal, ...rule });
        },
      ).catch((error: unknown) => {
        if (!isLeaseHeld(error)) throw error;
        const { holder, pid, host, acquired_at, expires_at } = error.current;
        throw new ArchiveBusyError(
          `another compaction of this archive is running (${holder}, pid ${pid} on ${host}, since ${acquired_at}); nothing was done. Run again once it has finished (its lease ${COMPACTOR_LEASE_KEY} lasts until ${expires_at} unless renewed)`,
        );
      });
      progress.done();
      console.log(values.json ? JSON.stringify(report) : JSON.stringify(report, null, 2));
      return 0;
    },
  });

export const compactCommand = createCompactCommand();
