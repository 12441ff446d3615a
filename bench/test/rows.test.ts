import type { IngestionRow } from '../src/ingestion';
import type { InstructionsRow } from '../src/instructions';
import type { RepublishRow } from '../src/republish';
import { ingestionRows, instructionsRows, republishRows } from '../src/rows';
import { summarize } from '../src/stats';
import { TARGETS, type Target } from '../src/targets';

/** One case's rows, every target at 1000 req/s a round unless given. */
const ingestionCase = (rounds: Partial<Record<Target, number[]>>): IngestionRow[] =>
  TARGETS.map((target) => ({
    payload: 'push 7.7 KB',
    connections: 50,
    target,
    rps: summarize(rounds[target] ?? [1000, 1000, 1000]),
    p50: summarize([1]),
    p99: summarize([2]),
    cpuMicros: undefined,
  }));

describe('ingestionRows, serve against the least its deliveries need', () => {
  const rows = ingestionRows(
    ingestionCase({
      'serve-private': [790, 890, 950],
      durable: [1000, 1000, 1000],
      'serve-public': [600, 500, 700],
      'durable-public': [500, 500, 500],
    }),
  );
  const [privateRow, publicRow] = rows;

  it.each([
    { side: 'private', row: privateRow, ratio: /^0\.89× \(b′\) \(rounds 0\.79–0\.95\), / },
    { side: 'public', row: publicRow, ratio: /^1\.2× \(b″\) \(rounds 1–1\.4\), / },
  ])('judges a $side delivery by the median ratio and shows its range by round', ({ row, ratio }) => {
    expect(row?.ratio).toMatch(ratio);
  });

  it('meets a goal by the ratio of medians, whatever one round says', () => {
    expect(privateRow?.met).toBe(true);
    expect(publicRow?.met).toBe(true);
  });
});

describe('republishRows, the relay against the bare confirm loop', () => {
  const runs = (rates: number[]) => summarize(rates);
  const row: RepublishRow = {
    payload: 'push 7.7 KB',
    messages: 6000,
    relay: runs([5500, 6200, 5400]),
    relayNoLedger: runs([6500, 6500, 6500]),
    verifying: runs([6200, 6200, 6200]),
    bare: runs([10000, 10000, 9000]),
    ratio: 5500 / 10000,
    ratioVerifying: 5500 / 6200,
    cpuMicros: {
      relay: runs([115]),
      verifying: runs([84]),
      bare: runs([37]),
      brokerRelay: undefined,
      brokerVerifying: undefined,
      brokerBare: undefined,
    },
    cpuRatio: undefined,
  };

  it('shows the ratio round by round beside the verdict', () => {
    const [shown] = republishRows([row]);
    expect(shown?.ratio).toBe('0.55× (rounds 0.55–0.62); 0.89× (r′)');
    expect(shown?.met).toBe(false);
  });
});

describe('instructionsRows, serve against (b‴) in instructions a request', () => {
  const counted = (target: InstructionsRow['target'], perRound: number[]): InstructionsRow => ({
    payload: 'push 7.7 KB',
    connections: 10,
    target,
    requests: 1000,
    perRequest: summarize(perRound),
  });

  it('gives the ratio and what serve does beyond the record, and judges no goal', () => {
    const [row] = instructionsRows([
      counted('durable-record', [805_000, 806_000]),
      counted('serve-private', [935_000, 936_000]),
    ]);
    expect(row?.measured).toBe('serve 936k (935k–936k) instructions a request');
    expect(row?.baseline).toBe('(b‴) 806k (805k–806k)');
    expect(row?.ratio).toBe('+130k a request over (b‴) (1.16×)');
    expect(row?.met).toBeUndefined();
  });

  it('signs a difference that goes the other way', () => {
    const [row] = instructionsRows([
      counted('durable-record', [1_923_000]),
      counted('serve-private', [1_538_000]),
    ]);
    expect(row?.ratio).toBe('−385k a request over (b‴) (0.8×)');
  });

  it('refuses a run in which a side was not counted', () => {
    expect(() => instructionsRows([counted('serve-private', [1])])).toThrow(/durable-record was not counted/);
  });
});
