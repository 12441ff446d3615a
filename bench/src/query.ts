import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { listArchiveFiles, runQuery } from '@github-webhooks/cli';
import { formatRecordLine, hourlyKey, RECORD_COLUMNS } from '@github-webhooks/events';
import { githubExamples } from '@github-webhooks/fixtures';
import { FsObjectStore } from '@github-webhooks/object-store';
import { runBenchChild } from './child-run';
import { round, type Summary, summarize } from './stats';

export interface QueryRow {
  readonly megabytes: number;
  readonly records: number;
  readonly rawShare: number;
  readonly view: { readonly seconds: Summary; readonly maxRssMb: number };
  readonly plain: { readonly seconds: Summary; readonly maxRssMb: number };
  /** Plain scan time ÷ the view's: the view's speed relative to a plain scan of the same files. */
  readonly ratio: number;
}

const SQL = 'SELECT count(*) AS deliveries, count(DISTINCT event) AS events FROM deliveries';
const HOUR0 = Date.UTC(2026, 0, 1);

/**
 * An archive as serve leaves it: many compacted hours (gzip NDJSON, one line per delivery, as the
 * compactor writes them) and the last hours still raw (plain NDJSON, with redeliveries, and the
 * newest hour in both a raw file and its hourly file, as before disposal). Real payloads.
 */
function generate(dir: string, megabytes: number): { records: number; rawShare: number } {
  const payloads = githubExamples()
    .filter((e) => JSON.stringify(e.payload).length < 40_000)
    .map((e) => ({ event: e.event, text: JSON.stringify(e.payload) }));
  const perHour = 64 * 1_000_000;
  const hours = Math.max(2, Math.ceil((megabytes * 1_000_000) / perHour));
  let records = 0;
  let rawRecords = 0;
  for (let h = 0; h < hours; h++) {
    const isRaw = h >= hours - Math.max(1, Math.round(hours / 10));
    const lines: string[] = [];
    const again: string[] = [];
    let bytes = 0;
    for (let i = 0; bytes < perHour; i++) {
      const p = payloads[(h * 7919 + i) % payloads.length] as { event: string; text: string };
      const at = HOUR0 + h * 3_600_000 + (Math.floor((i * 3_600_000) / 20_000) % 3_590_000);
      const line = (ms: number) =>
        formatRecordLine(
          { deliveryId: `${h}-${i}`, event: p.event, receivedAt: new Date(ms), hookId: '1', public: true },
          { payloadText: p.text },
        );
      lines.push(line(at));
      // A redelivery: every 20th delivery arrived again, later, with the same identity.
      if (i % 20 === 0) again.push(line(at + 5_000));
      bytes += (lines.at(-1) ?? '').length;
    }
    records += lines.length;
    const text = lines.join('');
    const path = (key: string) => join(dir, ...key.split('/'));
    if (isRaw) {
      rawRecords += lines.length;
      const key = `raw/${new Date(HOUR0 + h * 3_600_000).toISOString().slice(0, 13).replaceAll(/[-T]/g, '/')}/serve-0.ndjson`;
      mkdirSync(join(path(key), '..'), { recursive: true });
      writeFileSync(path(key), text + again.join(''));
    }
    // Every hour but the last raw one is compacted; the newest raw hour is in both, as before disposal.
    if (!isRaw || h === hours - 1) {
      const key = hourlyKey(new Date(HOUR0 + h * 3_600_000));
      mkdirSync(join(path(key), '..'), { recursive: true });
      writeFileSync(path(key), gzipSync(text, { level: 1 }));
    }
  }
  return { records, rawShare: round(rawRecords / records) };
}

/** One measured run in a child process: the command's view, or DuckDB's plain scan of the same files. */
export async function queryChild(kind: string, dir: string): Promise<void> {
  const files = await listArchiveFiles(new FsObjectStore(dir), dir);
  const started = process.hrtime.bigint();
  let rows: readonly (readonly unknown[])[];
  if (kind === 'view') rows = (await runQuery(SQL, files)).rows;
  else {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const columns = `{${RECORD_COLUMNS.map((c) => `${c.name}: '${c.duckdb}'`).join(', ')}}`;
    const all = [...files.hourly, ...files.raw].map((f) => `'${f}'`).join(', ');
    const reader = await connection.runAndReadAll(
      `SELECT count(*), count(DISTINCT event) FROM read_json([${all}], format = 'newline_delimited', columns = ${columns}, maximum_object_size = 67108864)`,
    );
    rows = reader.getRowsJS();
    connection.closeSync();
    instance.closeSync();
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(
    `${JSON.stringify({ seconds, maxRssMb: round(process.resourceUsage().maxRSS / 1024), rows: String(rows[0]) })}\n`,
  );
}

function runChild(kind: 'view' | 'plain', dir: string): { seconds: number; maxRssMb: number; rows: string } {
  return runBenchChild(`query ${kind}`, 'query-child', [kind, dir]);
}

/**
 * `github-webhooks query`'s view over a local archive against DuckDB's plain scan of the same files
 * (which de-duplicates nothing), in child processes (time and peak RSS), alternating, for each size.
 */
export function benchQuery(options: { sizesMb: readonly number[]; rounds: number }): QueryRow[] {
  const rows: QueryRow[] = [];
  for (const megabytes of options.sizesMb) {
    const dir = mkdtempSync(join(tmpdir(), 'gw-bench-query-'));
    try {
      const { records, rawShare } = generate(dir, megabytes);
      const view: number[] = [];
      const plain: number[] = [];
      let viewRss = 0;
      let plainRss = 0;
      for (let r = 0; r < options.rounds; r++) {
        const order = r % 2 === 0 ? (['view', 'plain'] as const) : (['plain', 'view'] as const);
        for (const kind of order) {
          const m = runChild(kind, dir);
          if (kind === 'view') {
            view.push(m.seconds);
            viewRss = Math.max(viewRss, m.maxRssMb);
          } else {
            plain.push(m.seconds);
            plainRss = Math.max(plainRss, m.maxRssMb);
          }
        }
      }
      const expected = runChild('view', dir).rows.split(',')[0];
      if (Number(expected) !== records)
        throw new Error(
          `query view counted ${expected} deliveries of ${records}: its de-duplication is wrong`,
        );
      const row = {
        megabytes,
        records,
        rawShare,
        view: { seconds: summarize(view), maxRssMb: viewRss },
        plain: { seconds: summarize(plain), maxRssMb: plainRss },
      };
      rows.push({ ...row, ratio: row.plain.seconds.median / row.view.seconds.median });
      process.stderr.write(
        `query ${megabytes} MB: view ${row.view.seconds.median.toFixed(2)} s ${viewRss} MB, plain ${row.plain.seconds.median.toFixed(2)} s ${plainRss} MB\n`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return rows;
}
