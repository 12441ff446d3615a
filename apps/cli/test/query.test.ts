import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compactPending } from '@github-webhooks/archive-compactor';
import { DAY_COLUMN, formatRecordLine, RECORD_COLUMNS, RECORD_FORMAT_VERSION } from '@github-webhooks/events';
import { allExamples } from '@github-webhooks/fixtures';
import { FsObjectStore } from '@github-webhooks/object-store';
import { listArchiveFiles } from '../src/query/archive-files';
import { runQuery } from '../src/query/run-query';
import { runCli } from './support/run-cli';

const HOUR = new Date('2026-11-27T10:00:00.000Z');
const examples = allExamples().slice(0, 120);
const first = examples[0]?.event ?? '';
let dir: string;

const run = (args: string[]) => runCli(args, {});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gw-query-'));
  const store = new FsObjectStore(dir);
  const lines = examples.map((e, i) =>
    formatRecordLine(
      {
        deliveryId: `q-${i}`,
        event: e.event,
        receivedAt: new Date(HOUR.getTime() + i * 1000),
        hookId: String(100 + (i % 3)),
        target: { type: 'organization', id: '42' },
        public: i % 2 === 0,
        privacy: 'allowlisted',
        repository: (e.payload.repository as { full_name?: string } | undefined)?.full_name ?? null,
        action: typeof e.payload.action === 'string' ? e.payload.action : null,
      },
      { payloadText: JSON.stringify(e.payload) },
    ),
  );
  // The first 100 compacted into an hourly file by the real compactor; the rest (and a redelivery
  // of one compacted) still raw, as just after they arrived.
  await store.write('raw/2026/11/27/10/a.ndjson', Buffer.from(lines.slice(0, 100).join('')));
  await compactPending({ store, now: new Date(HOUR.getTime() + 3 * 3_600_000), latenessMs: 0, bufferMs: 0 });
  await store.write('raw/2026/11/27/10/b.ndjson', Buffer.from(lines.slice(100).join('') + lines[5]));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('github-webhooks query', () => {
  it('reads hourly and raw files as one table with the Athena columns, each delivery once', async () => {
    const files = await listArchiveFiles(new FsObjectStore(dir), dir);
    expect(files.hourly).toHaveLength(1);
    expect(files.raw).toHaveLength(1);
    const described = await runQuery('DESCRIBE github_webhooks.deliveries', files);
    expect(described.rows.map((r) => [r[0], r[1]])).toEqual([
      ...RECORD_COLUMNS.map((c) => [
        c.name,
        c.duckdb.replace('STRUCT(type VARCHAR, id VARCHAR)', 'STRUCT("type" VARCHAR, id VARCHAR)'),
      ]),
      [DAY_COLUMN, 'VARCHAR'],
    ]);
    const rows = await runQuery(
      'SELECT delivery_id, public, target, format_version, payload, day FROM deliveries ORDER BY received_at',
      files,
    );
    expect(rows.rows).toHaveLength(examples.length);
    rows.rows.forEach((row, i) => {
      expect(row.slice(0, 4)).toEqual([
        `q-${i}`,
        i % 2 === 0,
        { type: 'organization', id: '42' },
        RECORD_FORMAT_VERSION,
      ]);
      expect(JSON.parse(String(row[4]))).toEqual(examples[i]?.payload);
      expect(row[5]).toBe('2026/11/27');
    });
  });

  it.each([
    ['json', (out: string) => expect(JSON.parse(out)).toEqual([{ event: first, n: expect.any(Number) }])],
    ['csv', (out: string) => expect(out).toMatch(new RegExp(`^event,n\n${first},\\d+$`))],
    [
      'table',
      (out: string) =>
        expect(out).toMatch(new RegExp(`^event\\s+n\n-+\\s+-+\n${first}\\s+\\d+\n\\(1 row\\)$`)),
    ],
  ])('prints --format %s', async (format, check) => {
    const result = await run([
      'query',
      '--archive',
      dir,
      '--format',
      format,
      `SELECT event, count(*) AS n FROM deliveries WHERE event = '${first}' GROUP BY 1`,
    ]);
    expect(result).toMatchObject({ code: 0, err: '' });
    check(result.out);
  });

  it.each([
    [[], /give the SQL to run/],
    [['SELECT 1', 'SELECT 2'], /give the SQL as one argument/],
    [['--format', 'xml', 'SELECT 1'], /--format is "xml": one of table, json, csv/],
    [['SELEC 1'], /Parser Error: syntax error at or near "SELEC"/],
    [['SELECT nope FROM deliveries'], /Binder Error/],
    [['--archive', 's3://bucket/prefix', 'SELECT 1'], /reads a local archive directory/],
  ])('refuses %j with exit 2 and one line', async (args, message) => {
    const result = await run(['query', ...(args.includes('--archive') ? [] : ['--archive', dir]), ...args]);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
    expect(result.err.split('\n')).toHaveLength(1);
  });
});

describe('listArchiveFiles', () => {
  it('compares raw records only with the hourly files of their hours and the hours either side', async () => {
    const root = await mkdtemp(join(tmpdir(), 'gw-query-files-'));
    const store = new FsObjectStore(root);
    for (const key of [
      'hourly/2026/11/27/09.ndjson.gz',
      'hourly/2026/11/27/13.ndjson.gz',
      'hourly/2026/11/27/14.ndjson.gz',
      'hourly/2026/11/27/16.ndjson.gz',
      'raw/2026/11/27/15/serve-1.ndjson',
    ])
      await store.write(key, Buffer.from('{}\n'));
    const files = await listArchiveFiles(store, root);
    expect(files.hourly).toHaveLength(4);
    expect(files.raw).toEqual([join(root, 'raw/2026/11/27/15/serve-1.ndjson')]);
    expect(files.hourlyNearRaw).toEqual([
      join(root, 'hourly/2026/11/27/14.ndjson.gz'),
      join(root, 'hourly/2026/11/27/16.ndjson.gz'),
    ]);
    await rm(root, { recursive: true, force: true });
  });
});
