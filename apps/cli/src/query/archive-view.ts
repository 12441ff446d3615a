import { DAY_COLUMN, QUERY_DATABASE, QUERY_TABLE, RECORD_COLUMNS } from '@github-webhooks/events';

/** The files a local archive's table reads: compacted hours, and raw files not compacted yet. */
export interface ArchiveFiles {
  readonly hourly: readonly string[];
  readonly raw: readonly string[];
}

// Payloads are up to 25 MiB (GitHub's limit), over DuckDB's default 16 MiB per JSON object.
const MAX_OBJECT_BYTES = 64 * 1024 * 1024;

const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;
const columns = `{${RECORD_COLUMNS.map((c) => `${c.name}: ${quote(c.duckdb)}`).join(', ')}}`;
const names = RECORD_COLUMNS.map((c) => c.name).join(', ');

function source(files: readonly string[], rank: number): string {
  return (
    `SELECT ${names}, ${rank} AS source_rank FROM read_json([${files.map(quote).join(', ')}], ` +
    `format = 'newline_delimited', columns = ${columns}, maximum_object_size = ${MAX_OBJECT_BYTES})`
  );
}

const EMPTY = `SELECT ${RECORD_COLUMNS.map((c) => `CAST(NULL AS ${c.duckdb}) AS ${c.name}`).join(', ')}, 0 AS source_rank WHERE false`;

/**
 * The statements that make `github_webhooks.deliveries` (and plain `deliveries`) over a local
 * archive, with the columns of the Athena table (RECORD_COLUMNS, then `day`). A delivery is
 * GUID, hook and payload digest: one in both an hourly file and a raw file not yet disposed of,
 * or redelivered, is one row (the hourly file's first, as the compactor keeps the first arrival).
 */
export function archiveViewStatements(files: ArchiveFiles): string[] {
  const parts = [
    ...(files.hourly.length > 0 ? [source(files.hourly, 0)] : []),
    ...(files.raw.length > 0 ? [source(files.raw, 1)] : []),
  ];
  const union = parts.length === 0 ? EMPTY : parts.join(' UNION ALL ');
  const view =
    `SELECT ${names}, replace(substr(received_at, 1, 10), '-', '/') AS ${DAY_COLUMN} FROM (` +
    `SELECT *, row_number() OVER (PARTITION BY delivery_id, coalesce(hook_id, ''), ` +
    `coalesce(payload_sha256, md5(CAST(payload AS VARCHAR))) ORDER BY source_rank, received_at) AS copy ` +
    `FROM (${union})) WHERE copy = 1`;
  return [
    `CREATE SCHEMA ${QUERY_DATABASE}`,
    `CREATE VIEW ${QUERY_DATABASE}.${QUERY_TABLE} AS ${view}`,
    `CREATE VIEW ${QUERY_TABLE} AS SELECT * FROM ${QUERY_DATABASE}.${QUERY_TABLE}`,
  ];
}

/**
 * Athena's (Trino's) functions the README's queries use, where DuckDB names them otherwise, so
 * that one query runs in both; and UTC, as Athena computes.
 */
export const ATHENA_COMPATIBILITY = [
  "SET TimeZone = 'UTC'",
  'CREATE MACRO from_iso8601_timestamp(text) AS CAST(text AS TIMESTAMPTZ)',
  'CREATE MACRO json_extract_scalar(json, path) AS json_extract_string(json, path)',
  'CREATE MACRO date_format(value, format) AS strftime(value, format)',
];
