import { UsageError } from '../errors';
import { type ArchiveFiles, ATHENA_COMPATIBILITY, archiveViewStatements } from './archive-view';

export interface QueryResult {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly unknown[])[];
}

/**
 * Runs one SQL query over the archive's files with DuckDB, in memory. An error in the query
 * itself (syntax, an unknown column) is a UsageError; reading the files failing is not.
 */
export async function runQuery(sql: string, files: ArchiveFiles): Promise<QueryResult> {
  // Loaded here, not at start: the engine is a native library only this command needs.
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    for (const statement of [...ATHENA_COMPATIBILITY, ...archiveViewStatements(files)])
      await connection.run(statement);
    let reader: Awaited<ReturnType<typeof connection.runAndReadAll>>;
    try {
      reader = await connection.runAndReadAll(sql);
    } catch (error) {
      const message = (error as Error).message;
      if (/^(Parser|Binder|Catalog) Error/.test(message))
        throw new UsageError(message.split('\n')[0] ?? message);
      throw error;
    }
    return { columns: reader.columnNames(), rows: reader.getRowsJS().map((row) => row.map(plain)) };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** A DuckDB value as JSON can hold it: integers as numbers while exact, timestamps as text. */
function plain(value: unknown): unknown {
  if (typeof value === 'bigint')
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(plain);
  if (value instanceof Date) return value.toISOString();
  if (Object.getPrototypeOf(value) === Object.prototype)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return String(value);
}
