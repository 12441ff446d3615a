import { compactHour, compactPending, hourClosesAt, importLegacy } from '@github-webhooks/archive-compactor';
import { hourLabel, hourStart } from '@github-webhooks/events';
import { openObjectStore } from '@github-webhooks/object-store';
import { JsonLogger } from '@github-webhooks/runtime';
import { archiveLocation, defineCommand, flagInteger } from '../command';
import { UsageError } from '../errors';
import { parseTime } from '../parse-time';
import { Progress } from '../progress';

export const compactCommand = defineCommand({
  name: 'compact',
  summary: 'compact raw archive objects into hourly files (a directory or s3://bucket/prefix)',
  help: `Usage: github-webhooks compact [options]

Options:
  --archive DIR|s3://bucket/prefix  [ARCHIVE_DIR] ./data
  --hour YYYY-MM-DDTHH              compact this hour only (once it has closed)
  --all                             compact every closed hour that needs it (the default)
  --legacy-prefix PREFIX            import the original system's archive under PREFIX
  --lateness SECONDS                wait after an hour ends before compacting it (default 120, at least 30)
  --buffer SECONDS                  Firehose buffer interval (default 900 for s3://, 0 for a directory)
  --disposal delete|tag             what happens to compacted raw objects (default delete)
  --json                            print the report as JSON`,
  options: {
    archive: { type: 'string' },
    hour: { type: 'string' },
    all: { type: 'boolean' },
    'legacy-prefix': { type: 'string' },
    lateness: { type: 'string', default: '120' },
    buffer: { type: 'string' },
    disposal: { type: 'string', default: 'delete' },
    json: { type: 'boolean' },
  },
  async run(values, env) {
    const location = archiveLocation(values, env);
    if (values.disposal !== 'delete' && values.disposal !== 'tag')
      throw new UsageError('--disposal must be delete or tag');
    if (values.hour && values.all) throw new UsageError('give --hour or --all, not both');
    const rule = {
      latenessMs: 1000 * flagInteger('lateness', values.lateness, { fallback: 120, min: 30, max: 86_400 }),
      bufferMs:
        1000 *
        flagInteger('buffer', values.buffer, {
          fallback: location.startsWith('s3://') ? 900 : 0,
          min: 0,
          max: 900,
        }),
    };
    const progress = new Progress('compacting');
    let steps = 0;
    const common = {
      store: openObjectStore(location),
      now: new Date(),
      disposal: values.disposal,
      logger: new JsonLogger('github-webhooks-compact', { out: process.stderr, minLevel: 'warn' }),
      onProgress: (event: { type: string; hour?: string }) =>
        progress.update(++steps, undefined, event.hour ?? ''),
    } as const;
    let report: unknown;
    if (values['legacy-prefix']) {
      report = await importLegacy({ ...common, prefix: values['legacy-prefix'] });
    } else if (values.hour) {
      // An hour still being written (a local archive file growing) is compacted once it has closed.
      const hour = hourStart(parseTime('hour', values.hour));
      const closes = hourClosesAt(hour, rule);
      if (closes > common.now) {
        throw new UsageError(
          `${hourLabel(hour)} is not closed yet; it can be compacted after ${closes.toISOString()}`,
        );
      }
      report = await compactHour({ ...common, hour });
    } else {
      report = await compactPending({ ...common, ...rule });
    }
    progress.done();
    console.log(values.json ? JSON.stringify(report) : JSON.stringify(report, null, 2));
    return 0;
  },
});
