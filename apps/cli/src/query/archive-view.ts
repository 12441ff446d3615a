import { DAY_COLUMN, QUERY_DATABASE, QUERY_TABLE, RECORD_COLUMNS } from '@github-webhooks/events';

/** The files a local archive's table reads: compacted hours, and raw files not compacted yet. */
export interface ArchiveFiles {
  readonly hourly: readonly string[];
  readonly raw: readonly string[];
  /**
   * The hourly files of the hours the raw files hold (and the hours either side): the only ones a
   * raw record can also be in. Default: every hourly file.
   */
  readonly hourlyNearRaw?: readonly string[];
}

// Payloads are up to 25 MiB (GitHub's limit), over DuckDB's default 16 MiB per JSON object.
const MAX_OBJECT_BYTES = 64 * 1024 * 1024;

const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;
const columns = `{${RECORD_COLUMNS.map((c) => `${c.name}: ${quote(c.duckdb)}`).join(', ')}}`;
const names = RECORD_COLUMNS.map((c) => c.name).join(', ');

const read = (files: readonly string[]): string =>
  `read_json([${files.map(quote).join(', ')}], format = 'newline_delimited', columns = ${columns}, ` +
  `maximum_object_size = ${MAX_OBJECT_BYTES})`;

const EMPTY = `SELECT ${RECORD_COLUMNS.map((c) => `CAST(NULL AS ${c.duckdb}) AS ${c.name}`).join(', ')} WHERE false`;
const table = (files: readonly string[]): string =>
  files.length === 0 ? `(${EMPTY})` : `(SELECT ${names} FROM ${read(files)})`;

/** A delivery's identity as columns: GUID, hook and payload digest (format-1 records, without a digest, by GUID and hook). */
const KEY = `delivery_id, coalesce(hook_id, '') AS hook, coalesce(payload_sha256, '') AS digest`;
const SAME_KEY = (a: string, b: string) =>
  `${a}.delivery_id = ${b}.delivery_id AND coalesce(${a}.hook_id, '') = ${b}.hook AND coalesce(${a}.payload_sha256, '') = ${b}.digest`;

/**
 * The statements that make `github_webhooks.deliveries` (and plain `deliveries`) over a local
 * archive, with the columns of the Athena table (RECORD_COLUMNS, then `day`). A delivery is GUID,
 * hook and payload digest: one in both an hourly file and a raw file not yet disposed of, or
 * redelivered, is one row (the hourly file's, else the first arrival, as the compactor keeps).
 *
 * Only what can hold duplicates is de-duplicated, over the keys alone, so a query reads only the
 * columns it names and memory does not grow with the archive: hourly files are de-duplicated by the
 * compactor and pass as they are; a raw record is kept when it is its key's first arrival among the
 * raw files and its key is not in the hourly files of its hours (a join on key columns, never a
 * window carrying payloads). Byte-identical copies of one arrival (same key, same time; Firehose
 * retries, not a local archive's) would both be kept.
 */
export function archiveViewStatements(files: ArchiveFiles): string[] {
  const hourly = table(files.hourly);
  const raw = table(files.raw);
  const near = table(files.hourlyNearRaw ?? files.hourly);
  const rawKept =
    files.raw.length === 0
      ? `(${EMPTY})`
      : `(SELECT r.* FROM ${raw} AS r ` +
        `JOIN (SELECT ${KEY}, min(received_at) AS first_at FROM ${raw} GROUP BY ALL) AS f ` +
        `ON ${SAME_KEY('r', 'f')} AND r.received_at = f.first_at ` +
        `WHERE NOT EXISTS (SELECT 1 FROM (SELECT ${KEY} FROM ${near}) AS h WHERE ${SAME_KEY('r', 'h')}))`;
  const view =
    `SELECT ${names}, replace(substr(received_at, 1, 10), '-', '/') AS ${DAY_COLUMN} ` +
    `FROM (SELECT * FROM ${hourly} UNION ALL SELECT * FROM ${rawKept})`;
  return [
    `CREATE SCHEMA ${QUERY_DATABASE}`,
    `CREATE VIEW ${QUERY_DATABASE}.${QUERY_TABLE} AS ${view}`,
    `CREATE VIEW ${QUERY_TABLE} AS SELECT * FROM ${QUERY_DATABASE}.${QUERY_TABLE}`,
  ];
}

/**
 * Athena's (Trino's) functions docs/consume.md's queries use, where DuckDB names them otherwise, so
 * that one query runs in both; and UTC, as Athena computes.
 */
export const ATHENA_COMPATIBILITY = [
  "SET TimeZone = 'UTC'",
  'CREATE MACRO from_iso8601_timestamp(text) AS CAST(text AS TIMESTAMPTZ)',
  'CREATE MACRO json_extract_scalar(json, path) AS json_extract_string(json, path)',
  'CREATE MACRO date_format(value, format) AS strftime(value, format)',
];
