import { execSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { benchColdStart, type ColdStartRow } from './cold-start';
import { benchCompaction } from './compaction';
import { benchIngestion, type IngestionRow, type Target } from './ingestion';
import { benchRepublish, type RepublishRow } from './republish';
import { runServer, type ServerKind } from './servers';
import { round, show } from './stats';
import { type Row, table } from './table';

const STAGES = ['ingestion', 'republish', 'compaction', 'cold-start'] as const;

async function main(): Promise<void> {
  const [mode, arg] = process.argv.slice(2);
  if (mode === 'server') return runServer(arg as ServerKind);
  const stages = new Set(mode ? mode.split(',') : STAGES);
  const started = Date.now();
  const results: Record<string, unknown> = {};
  const rows: Row[] = [];
  if (stages.has('ingestion')) {
    const ingestion = await benchIngestion({ rounds: 3, seconds: 2 });
    results.ingestion = ingestion;
    rows.push(...ingestionRows(ingestion));
  }
  if (stages.has('republish')) {
    const republish = await benchRepublish({ rounds: 3 });
    results.republish = republish;
    rows.push(...republish.map(republishRow));
  }
  if (stages.has('compaction')) {
    const compaction = benchCompaction({ megabytes: 300, rounds: 3 });
    results.compaction = compaction;
    rows.push({
      stage: 'compaction',
      case: `${Math.round(compaction.uncompressedMb)} MB, ${compaction.objects} gzip objects`,
      measured: `${round(compaction.compaction.mbPerS, 1)} MB/s, RSS ${compaction.compaction.maxRssMb} MB`,
      baseline: `node gunzip→gzip ${round(compaction.nodeStream.mbPerS, 1)} MB/s; zcat|gzip ${round(compaction.zcatGzip?.mbPerS ?? 0, 1)} MB/s`,
      ratio: `${round(compaction.ratioToNodeStream)}×`,
      goal: '≥ 0.8×, RSS < 256 MB',
      met: compaction.ratioToNodeStream >= 0.8 && (compaction.compaction.maxRssMb ?? 0) < 256,
    });
  }
  if (stages.has('cold-start')) {
    const coldStart = benchColdStart({ runs: 25 });
    results.coldStart = coldStart;
    rows.push(...coldStart.map(coldStartRow));
  }
  const output = {
    when: new Date().toISOString(),
    commit: execSync('git rev-parse --short HEAD', { encoding: 'utf8', cwd: __dirname }).trim(),
    machine: {
      cpus: cpus().length,
      cpu: cpus()[0]?.model,
      memoryGb: round(totalmem() / 2 ** 30, 1),
      node: process.version,
    },
    seconds: round((Date.now() - started) / 1000, 1),
    table: rows,
    results,
  };
  writeFileSync(join(__dirname, '..', 'results.json'), `${JSON.stringify(output, null, 2)}\n`);
  console.log(table(rows));
  console.log(
    `\n${output.seconds} s on ${output.machine.cpus} × ${output.machine.cpu}, node ${process.version}, commit ${output.commit}`,
  );
}

function ingestionRows(rows: readonly IngestionRow[]): Row[] {
  const out: Row[] = [];
  const cases = new Set(rows.map((r) => `${r.payload}|${r.connections}`));
  for (const key of cases) {
    const [payload, connections] = key.split('|');
    const of = (target: Target) =>
      rows.find((r) => r.payload === payload && String(r.connections) === connections && r.target === target);
    const [bare, minimal, durable, octokit] = (['bare', 'minimal', 'durable', 'octokit'] as const).map(of);
    if (!bare || !minimal || !durable || !octokit) continue;
    for (const target of ['serve-private', 'serve-public'] as const) {
      const serve = of(target);
      if (!serve) continue;
      const vsDurable = serve.rps.median / durable.rps.median;
      const vsMinimal = serve.rps.median / minimal.rps.median;
      const vsOctokit = serve.rps.median / octokit.rps.median;
      const isPrivate = target === 'serve-private';
      const wantOctokit = isPrivate && connections === '50';
      const goal = isPrivate ? 0.85 : 0.7;
      out.push({
        stage: isPrivate ? 'ingestion, private' : 'ingestion, public (relay live)',
        case: `${payload}, ${connections} conn`,
        measured: `serve ${show(serve.rps)} req/s, p50/p99 ${serve.p50.median}/${serve.p99.median} ms`,
        baseline: `bare ${bare.rps.median.toFixed(0)}; (b) ${minimal.rps.median.toFixed(0)}; (b′) ${durable.rps.median.toFixed(0)}; (c) ${octokit.rps.median.toFixed(0)}`,
        ratio: `${round(vsDurable)}× (b′), ${round(vsMinimal)}× (b), ${round(vsOctokit)}× (c)`,
        goal: `≥ ${goal}× (b′)${wantOctokit ? ', ≥ 1.0× (c)' : ''}`,
        met: vsDurable >= goal && (!wantOctokit || vsOctokit >= 1),
      });
    }
  }
  return out;
}

function republishRow(row: RepublishRow): Row {
  const goal = row.payload.includes('MiB') ? 0.8 : 0.9;
  return {
    stage: 'relay → RabbitMQ',
    case: `${row.payload}, ${row.messages} msgs`,
    measured: `archive→RabbitMQ ${show(row.relay)} msg/s`,
    baseline: `bare confirm loop ${show(row.bare)} msg/s`,
    ratio: `${round(row.ratio)}×`,
    goal: `≥ ${goal}×`,
    met: row.ratio >= goal,
  };
}

function coldStartRow(row: ColdStartRow): Row {
  return {
    stage: 'cold start',
    case: `${row.service} (${Math.round(row.zipBytes / 1024)} KiB zip)`,
    measured: `handler require ${show(row.handlerLoad, 1)} ms`,
    baseline: `node start ${row.nodeBare.median.toFixed(1)} ms; SDK clients${row.service === 'pulse-republisher' ? ' + amqplib' : ''} require ${row.sdkRequire.median.toFixed(1)} ms`,
    ratio: `+${show(row.overSdk, 1)} ms`,
    goal: '≤ +10 ms over SDK',
    met: row.overSdkMs <= 10,
  };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
