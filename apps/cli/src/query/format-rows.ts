import type { QueryResult } from './run-query';

export type RowFormat = 'table' | 'json' | 'csv';
export const ROW_FORMATS: readonly RowFormat[] = ['table', 'json', 'csv'];

const text = (value: unknown): string =>
  value === null || value === undefined
    ? ''
    : typeof value === 'object'
      ? JSON.stringify(value)
      : String(value);

/** `json`: one array of row objects; `csv`: RFC 4180 with a header; `table`: aligned columns. */
export function formatRows(result: QueryResult, format: RowFormat): string {
  if (format === 'json')
    return JSON.stringify(
      result.rows.map((row) => Object.fromEntries(result.columns.map((c, i) => [c, row[i] ?? null]))),
    );
  if (format === 'csv')
    return [result.columns, ...result.rows].map((row) => row.map(csvField).join(',')).join('\n');
  return table(result);
}

function csvField(value: unknown): string {
  const field = text(value);
  return /[",\n\r]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
}

const MAX_CELL = 60;

function table({ columns, rows }: QueryResult): string {
  const cell = (value: unknown) => {
    const t = text(value).replaceAll('\n', ' ');
    return t.length > MAX_CELL ? `${t.slice(0, MAX_CELL - 1)}…` : t;
  };
  const cells = rows.map((row) => row.map(cell));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]?.length ?? 0)));
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const count = `(${rows.length} row${rows.length === 1 ? '' : 's'})`;
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line), count].join('\n');
}
