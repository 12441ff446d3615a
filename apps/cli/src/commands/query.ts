import { FsObjectStore } from '@github-webhooks/object-store';
import { archiveLocation, defineCommand } from '../command';
import { UsageError } from '../errors';
import { listArchiveFiles } from '../query/archive-files';
import { formatRows, ROW_FORMATS, type RowFormat } from '../query/format-rows';
import { runQuery } from '../query/run-query';
import { ARCHIVE_DIRECTORY_SETTING } from '../settings/archive-setting';
import { flagStringOf, optionsHelp, parseOptions, type SettingSpec, settingOf } from '../settings/declare';

/** Every option of `query`, in the order `--help` and the docs list them. */
export const QUERY_SETTINGS = [
  ARCHIVE_DIRECTORY_SETTING,
  {
    flag: 'format',
    kind: 'string',
    value: ROW_FORMATS.join('|'),
    default: 'table',
    help: 'how rows are printed; json: one array of row objects',
  },
] as const satisfies readonly SettingSpec[];

const FORMAT = settingOf(QUERY_SETTINGS, 'format');

export const queryCommand = defineCommand({
  name: 'query',
  summary: 'run SQL over a local archive (the Athena table, with DuckDB)',
  positionals: true,
  help: `Usage: github-webhooks query [options] "<SQL>"

Runs one SQL query over a local archive directory with DuckDB: the compacted hourly files and the
raw files not compacted yet, each delivery once (GUID, hook and payload digest), so a query just
after "send" sees the delivery. The table is the one Athena has in AWS, github_webhooks.deliveries
(also plain "deliveries"): the record's fields as columns (see docs/archive-format.md), the
payload as JSON text, and day (YYYY/MM/DD, UTC). Athena's from_iso8601_timestamp,
json_extract_scalar and date_format work here too, so the same query runs in both.

${optionsHelp(QUERY_SETTINGS)}

Example:
  github-webhooks query "SELECT event, count(*) AS deliveries FROM deliveries GROUP BY 1 ORDER BY 2 DESC"`,
  options: parseOptions(QUERY_SETTINGS),
  async run(values, env, positionals = []) {
    const [sql, ...extra] = positionals;
    if (sql === undefined || sql.trim() === '')
      throw new UsageError('give the SQL to run, e.g. query "SELECT count(*) FROM deliveries"');
    if (extra.length > 0) throw new UsageError('give the SQL as one argument (quote it)');
    const format = flagStringOf(FORMAT, values.format) as RowFormat;
    if (!ROW_FORMATS.includes(format))
      throw new UsageError(`--format is ${JSON.stringify(values.format)}: one of ${ROW_FORMATS.join(', ')}`);
    const location = archiveLocation(values, env);
    if (location.startsWith('s3://'))
      throw new UsageError(
        'query reads a local archive directory; in AWS, query github_webhooks.deliveries in Athena',
      );
    const files = await listArchiveFiles(new FsObjectStore(location), location);
    console.log(formatRows(await runQuery(sql, files), format));
    return 0;
  },
});
