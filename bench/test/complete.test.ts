import { COLD_START_SERVICES } from '../src/cold-start';
import { expectedRows, missingRows, STAGES, type Stage } from '../src/complete';
import { type Row, rowKey } from '../src/table';

const ALL: ReadonlySet<Stage> = new Set(STAGES);
const rowOf = (key: string): Row => ({
  key,
  stage: key.split(' | ')[0] ?? key,
  case: key.split(' | ')[1] ?? '',
  measured: '1',
  baseline: '1',
  ratio: '1×',
  goal: '≥ 1×',
  met: true,
});

describe('the rows a bench run must have', () => {
  const expected = expectedRows(ALL, COLD_START_SERVICES, [100, 200]);

  it('lists every stage, case and function the run measures', () => {
    // 3 payloads: two at 10 and 50 connections, 1 MiB at 10 only; a private and a public row each.
    expect(expected.filter((k) => k.startsWith('ingestion'))).toHaveLength(10);
    expect(expected).toContain(rowKey('ingestion, public (relay live)', 'push 1 MiB, 10 conn'));
    expect(expected).not.toContain(rowKey('ingestion, private', 'push 1 MiB, 50 conn'));
    expect(expected).toEqual(
      expect.arrayContaining([
        rowKey('privacy check', 'push 7.7 KB'),
        rowKey('privacy check', 'pull_request 21 KB'),
        rowKey('privacy check', 'push 1 MiB'),
        rowKey('relay → RabbitMQ', 'push 7.7 KB'),
        rowKey('relay → RabbitMQ', 'push 1 MiB'),
        rowKey('compaction', 'raw hour'),
        rowKey('cold start', 'delivery-reconciler'),
        rowKey('query', '100 MB'),
        rowKey('query', '200 MB'),
        rowKey('instructions', 'push 7.7 KB'),
      ]),
    );
  });

  it.each([
    ['a complete run', expected, []],
    [
      'a run without its compaction row',
      expected.filter((k) => !k.startsWith('compaction')),
      ['compaction | raw hour'],
    ],
    [
      'a run without one cold start',
      expected.filter((k) => k !== rowKey('cold start', 'ingestion')),
      [rowKey('cold start', 'ingestion')],
    ],
  ])('%s is missing %j', (_name, present, missing) => {
    expect(missingRows(expected, present.map(rowOf))).toEqual(missing);
  });

  it('expects only the stages that were asked for', () => {
    expect(expectedRows(new Set(['compaction']), COLD_START_SERVICES)).toEqual([
      rowKey('compaction', 'raw hour'),
    ]);
  });
});
