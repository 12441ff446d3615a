/**
 * The archive's records as a table, for query engines (Athena's Glue table, the CLI's DuckDB view):
 * one column per top-level field of a compacted record (format 3), in the order records are
 * written. The single source of truth: the compactor stack's template, the DuckDB view and the
 * docs/archive-format.md's field table are tested against it.
 */
export interface RecordColumn {
  readonly name: string;
  /** Hive/Glue type, as Athena's JSON SerDe reads it. */
  readonly glue: string;
  /** DuckDB type, as `read_json` is given it. */
  readonly duckdb: string;
}

export const RECORD_COLUMNS: readonly RecordColumn[] = [
  { name: 'delivery_id', glue: 'string', duckdb: 'VARCHAR' },
  { name: 'event', glue: 'string', duckdb: 'VARCHAR' },
  // Text, not a timestamp: the SerDe's timestamp parsing differs from ISO-8601 with `Z`; queries
  // use from_iso8601_timestamp(received_at) (the CLI defines it for DuckDB too).
  { name: 'received_at', glue: 'string', duckdb: 'VARCHAR' },
  { name: 'hook_id', glue: 'string', duckdb: 'VARCHAR' },
  { name: 'target', glue: 'struct<type:string,id:string>', duckdb: 'STRUCT(type VARCHAR, id VARCHAR)' },
  { name: 'public', glue: 'boolean', duckdb: 'BOOLEAN' },
  { name: 'format_version', glue: 'int', duckdb: 'INTEGER' },
  { name: 'privacy', glue: 'string', duckdb: 'VARCHAR' },
  { name: 'privacy_rules', glue: 'int', duckdb: 'INTEGER' },
  { name: 'repository', glue: 'string', duckdb: 'VARCHAR' },
  { name: 'action', glue: 'string', duckdb: 'VARCHAR' },
  { name: 'payload_sha256', glue: 'string', duckdb: 'VARCHAR' },
  // The payload as JSON text: json_extract / json_extract_scalar reach into it.
  { name: 'payload', glue: 'string', duckdb: 'JSON' },
];

/** The partition column of the Glue table: the UTC day folder of `hourly/`, `YYYY/MM/DD`. */
export const DAY_COLUMN = 'day';

/** The database and table the archive is queried as, in Athena and locally. */
export const QUERY_DATABASE = 'github_webhooks';
export const QUERY_TABLE = 'deliveries';
