import type { CompactBenchResult } from '@github-webhooks/archive-compactor/bench/compact-throughput';
import type { ColdStartRow } from './cold-start';
import type { IngestionRow } from './ingestion';
import type { InstructionsRow } from './instructions';
import type { PrivacyRow } from './privacy';
import type { QueryRow } from './query';
import type { RepublishRow } from './republish';
import { againstGoal, round, roundRange, roundRatios, type Summary, show } from './stats';
import { type Row, rowKey } from './table';
import type { Target } from './targets';

/** The table's rows, one builder per stage: what each stage is judged by. */

const BASELINES = ['bare', 'minimal', 'durable', 'durable-record', 'durable-public', 'octokit'] as const;
type Baselines = Record<(typeof BASELINES)[number], IngestionRow>;

export function ingestionRows(rows: readonly IngestionRow[]): Row[] {
  const cases = new Set(rows.map((r) => `${r.payload}|${r.connections}`));
  return [...cases].flatMap((key) => {
    const [payload = '', connections = ''] = key.split('|');
    const name = `${payload}, ${connections} conn`;
    const of = (target: Target): IngestionRow => {
      const row = rows.find(
        (r) => r.payload === payload && String(r.connections) === connections && r.target === target,
      );
      if (!row) throw new Error(`ingestion ${name}: ${target} did not run`);
      return row;
    };
    const baselines = Object.fromEntries(BASELINES.map((b) => [b, of(b)])) as Baselines;
    return (['serve-private', 'serve-public'] as const).map((target) =>
      serveRow(name, target === 'serve-private', of(target), baselines),
    );
  });
}

/**
 * A private delivery is measured against the durable server, a public one against the durable
 * server that also publishes (b″): each against the least work it must do.
 */
function serveRow(name: string, isPrivate: boolean, serve: IngestionRow, b: Baselines): Row {
  const baseline = isPrivate ? b.durable : b['durable-public'];
  const ratio = serve.rps.median / baseline.rps.median;
  const goal = isPrivate && name.includes('MiB') ? 0.8 : 0.85;
  const label = isPrivate ? '(b′)' : '(b″)';
  const stage = isPrivate ? 'ingestion, private' : 'ingestion, public (relay live)';
  const against = (row: IngestionRow) => round(serve.rps.median / row.rps.median);
  return {
    key: rowKey(stage, name),
    stage,
    case: name,
    measured: `serve ${show(serve.rps)} req/s${cpuOf(serve)}, p50/p99 ${serve.p50.median}/${serve.p99.median} ms`,
    baseline: `bare ${b.bare.rps.median.toFixed(0)}; (b) ${b.minimal.rps.median.toFixed(0)}; (b′) ${b.durable.rps.median.toFixed(0)}${cpuOf(b.durable)}; (b‴) ${b['durable-record'].rps.median.toFixed(0)}${cpuOf(b['durable-record'])}; (b″) ${b['durable-public'].rps.median.toFixed(0)}${cpuOf(b['durable-public'])}; (c) ${b.octokit.rps.median.toFixed(0)}`,
    ratio: `${againstGoal(ratio, goal)}× ${label}${roundRange(roundRatios(serve.rps, baseline.rps))}${isPrivate ? `, ${against(b['durable-record'])}× (b‴)` : ''}, ${against(b.minimal)}× (b), ${against(b.octokit)}× (c)`,
    goal: `≥ ${goal}× ${label}`,
    met: ratio >= goal,
  };
}

/** ` (N µs CPU/req)`: the server process's CPU per request, median, when measured. */
const cpuOf = (row: IngestionRow): string =>
  row.cpuMicros === undefined ? '' : ` (${row.cpuMicros.median.toFixed(0)} µs CPU/req)`;

/** ` (CPU N µs/msg, broker M)`: a side's own CPU per message and the broker's while it ran. */
const cpuPerMessage = (own: Summary, broker: Summary | undefined): string =>
  `; CPU ${own.median.toFixed(0)} µs/msg${broker === undefined ? '' : `, broker ${broker.median.toFixed(0)}`}`;

export const republishRows = (rows: readonly RepublishRow[]): Row[] => rows.map(republishRow);

function republishRow(row: RepublishRow): Row {
  const goal = row.payload.includes('MiB') ? 0.8 : 0.9;
  return {
    key: rowKey('relay → RabbitMQ', row.payload),
    stage: 'relay → RabbitMQ',
    case: `${row.payload}, ${row.messages} msgs`,
    measured: `archive→RabbitMQ ${show(row.relay)} msg/s with the publish ledger; ${row.relayNoLedger.median.toFixed(0)} without${cpuPerMessage(row.cpuMicros.relay, row.cpuMicros.brokerRelay)}`,
    baseline: `bare confirm loop ${show(row.bare)} msg/s${cpuPerMessage(row.cpuMicros.bare, row.cpuMicros.brokerBare)}; (r′) verifying loop ${row.verifying.median.toFixed(0)} msg/s${cpuPerMessage(row.cpuMicros.verifying, row.cpuMicros.brokerVerifying)}`,
    ratio: `${againstGoal(row.ratio, goal)}×${roundRange(roundRatios(row.relay, row.bare))}${row.cpuRatio === undefined ? '' : ` (CPU per message, the broker's included: ${round(row.cpuRatio)}×)`}; ${round(row.ratioVerifying)}× (r′)`,
    goal: `≥ ${goal}×`,
    met: row.ratio >= goal,
  };
}

/** The privacy stage's rows, given the same run's ingestion rows (none when that stage did not run). */
export const privacyRows =
  (ingestion: readonly IngestionRow[]) =>
  (rows: readonly PrivacyRow[]): Row[] =>
    rows.map((row) => privacyRow(row, ingestion));

/** Its measured text gives the check's share of serve's CPU per public request, when ingestion ran. */
function privacyRow(row: PrivacyRow, ingestion: readonly IngestionRow[]): Row {
  const serve = ingestion
    .filter((r) => r.payload === row.payload && r.target === 'serve-public' && r.cpuMicros !== undefined)
    .sort((a, b) => b.connections - a.connections)[0]?.cpuMicros;
  const share =
    serve === undefined
      ? ''
      : `; ${round((100 * row.classify.median) / serve.median, 1)} % of serve's ${serve.median.toFixed(0)} µs CPU per public request`;
  return {
    key: rowKey('privacy check', row.payload),
    stage: 'privacy check (public path)',
    case: row.payload,
    measured: `classify ${show(row.classify, 1)} µs a delivery, its walk over the whole payload included${share}`,
    baseline: `JSON.parse of the same payload ${row.parse.median.toFixed(1)} µs`,
    ratio: `${againstGoal(row.ratio, 0.25)}× the parse`,
    goal: '≤ 0.25× the parse',
    met: row.ratio <= 0.25,
  };
}

export const compactionRows = (compaction: CompactBenchResult): Row[] => [compactionRow(compaction)];

function compactionRow(compaction: CompactBenchResult): Row {
  if (compaction.zcatGzip === null) throw new Error('compaction: the zcat | gzip baseline did not run');
  return {
    key: rowKey('compaction', 'raw hour'),
    stage: 'compaction',
    case: `${Math.round(compaction.uncompressedMb)} MB, ${compaction.objects} gzip objects`,
    measured: `${round(compaction.compaction.mbPerS, 1)} MB/s, RSS ${compaction.compaction.maxRssMb} MB`,
    baseline: `node gunzip→gzip ${round(compaction.nodeStream.mbPerS, 1)} MB/s; zcat|gzip ${round(compaction.zcatGzip.mbPerS, 1)} MB/s`,
    ratio: `${round(compaction.ratioToNodeStream)}×`,
    goal: '≥ 0.8×, RSS < 256 MB',
    met: compaction.ratioToNodeStream >= 0.8 && (compaction.compaction.maxRssMb ?? 0) < 256,
  };
}

export const queryRows = (rows: readonly QueryRow[]): Row[] => rows.map(queryRow);

function queryRow(row: QueryRow): Row {
  const rss = row.view.maxRssMb;
  return {
    key: rowKey('query', `${row.megabytes} MB`),
    stage: 'query (SQL over the archive)',
    case: `${row.megabytes} MB archive, ${row.records} deliveries, ${Math.round(row.rawShare * 100)} % raw`,
    measured: `view ${show(row.view.seconds, 2)} s, peak RSS ${Math.round(rss)} MB`,
    baseline: `DuckDB plain scan ${row.plain.seconds.median.toFixed(2)} s, ${Math.round(row.plain.maxRssMb)} MB`,
    ratio: `${againstGoal(row.ratio, 0.7)}×`,
    goal: '≥ 0.7× plain scan, RSS < 512 MB',
    met: row.ratio >= 0.7 && rss < 512,
  };
}

export const coldStartRows = (rows: readonly ColdStartRow[]): Row[] => rows.map(coldStartRow);

function coldStartRow(row: ColdStartRow): Row {
  return {
    key: rowKey('cold start', row.service),
    stage: 'cold start',
    case: `${row.service} (${Math.round(row.zipBytes / 1024)} KiB zip)`,
    measured: `handler require ${show(row.handlerLoad, 1)} ms`,
    baseline: `node start ${row.nodeBare.median.toFixed(1)} ms; SDK clients${row.service === 'pulse-republisher' ? ' + amqplib' : ''} required and built ${row.sdkRequire.median.toFixed(1)} ms (building ${row.sdkConstruct.median.toFixed(1)})`,
    // Milliseconds differ by machine (+8 here is +17 on one twice as slow); the share of what the SDK
    // clients take on the same machine does not, so the row gives both.
    ratio: `+${show(row.overSdk, 1)} ms, ${Math.round((100 * row.overSdk.median) / row.sdkRequire.median)} % of the SDK clients' (+${row.overSdkRequire.median.toFixed(1)} over the require alone)`,
    goal: '≤ +10 ms over the SDK clients',
    met: row.overSdkMs <= 10,
  };
}

/** Its one row: `serve` against (b‴) in instructions a request, followed from run to run, judged by no goal. */
export function instructionsRows(rows: readonly InstructionsRow[]): Row[] {
  const of = (target: InstructionsRow['target']): InstructionsRow => {
    const row = rows.find((r) => r.target === target);
    if (!row) throw new Error(`instructions: ${target} was not counted`);
    return row;
  };
  const serve = of('serve-private');
  const record = of('durable-record');
  const thousands = (n: number) => `${Math.round(n / 1000)}k`;
  // A smoke's few cold requests can cost serve less than (b‴).
  const signed = (n: number) => `${n < 0 ? '−' : '+'}${thousands(Math.abs(n))}`;
  const range = (s: Summary) =>
    s.min === s.max
      ? thousands(s.median)
      : `${thousands(s.median)} (${thousands(s.min)}–${thousands(s.max)})`;
  return [
    {
      key: rowKey('instructions', serve.payload),
      stage: 'instructions (callgrind)',
      case: `${serve.payload} private, ${serve.connections} conn, ${serve.requests} requests`,
      measured: `serve ${range(serve.perRequest)} instructions a request`,
      baseline: `(b‴) ${range(record.perRequest)}`,
      // The difference is serve's own code; the ratio is diluted by hashing valgrind counts at ~28
      // instructions a byte (the CPU's SHA extensions, not emulated, take ~2).
      ratio: `${signed(serve.perRequest.median - record.perRequest.median)} a request over (b‴) (${round(serve.perRequest.median / record.perRequest.median)}×)`,
      goal: 'none (followed from run to run)',
      met: undefined,
    },
  ];
}
