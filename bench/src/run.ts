import { execSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { benchColdStart, COLD_START_SERVICES } from './cold-start';
import { benchCompaction } from './compaction';
import { expectedRows, missingRows, STAGES, type Stage } from './complete';
import { benchIngestion } from './ingestion';
import { benchInstructions } from './instructions';
import { leftBehind, scratchEntries } from './left-behind';
import { benchPrivacy, privacyChild } from './privacy';
import { FULL, type Profile, SMOKE } from './profile';
import { benchQuery, queryChild } from './query';
import { writeReadme } from './readme';
import { benchRepublish } from './republish';
import { republishChild } from './republish-child';
import {
  coldStartRows,
  compactionRows,
  ingestionRows,
  instructionsRows,
  privacyRows,
  queryRows,
  republishRows,
} from './rows';
import { runServer, type ServerKind } from './servers';
import { round } from './stats';
import { type Row, table } from './table';

const USAGE = `usage: bench [--smoke] [stage,…]   stages: ${STAGES.join(', ')}`;

/** `--smoke` and a comma-separated list of stages (default all), checked before anything runs. */
function parseArgs(args: readonly string[]): { profile: Profile; stages: Set<Stage> } {
  const profile = args.includes('--smoke') ? SMOKE : FULL;
  const rest = args.filter((a) => a !== '--smoke');
  if (rest.length > 1 || rest.some((a) => a.startsWith('-'))) throw new Error(USAGE);
  const named = rest[0] ? rest[0].split(',') : STAGES;
  const unknown = named.filter((s) => !STAGES.includes(s as Stage));
  if (unknown.length > 0) throw new Error(`unknown stage ${unknown.join(', ')}; ${USAGE}`);
  return { profile, stages: new Set(named as Stage[]) };
}

/** A child process's own work (a server, one measured run), when this process is one. */
function childRun(mode: string | undefined, arg: string, dir: string): Promise<void> | undefined {
  if (mode === 'server') return runServer(arg as ServerKind);
  if (mode === 'query-child') return queryChild(arg, dir);
  if (mode === 'republish-child') return republishChild(arg);
  if (mode === 'privacy-child') return Promise.resolve(privacyChild(arg));
  return undefined;
}

/** Each stage asked for, in order: its results by name (camelCase: `coldStart`), and its rows. */
async function runStages(profile: Profile, stages: ReadonlySet<Stage>) {
  const results: Record<string, unknown> = {};
  const rows: Row[] = [];
  const stage = async <T>(name: Stage, run: () => T | Promise<T>, toRows: (r: T) => Row[]) => {
    if (!stages.has(name)) return undefined;
    const result = await run();
    results[name.replace(/-(.)/g, (_, c: string) => c.toUpperCase())] = result;
    rows.push(...toRows(result));
    return result;
  };
  const ingestion = (await stage('ingestion', () => benchIngestion(profile.ingestion), ingestionRows)) ?? [];
  // The privacy check's row gives its share of serve's CPU per public request, when ingestion ran.
  await stage('privacy', () => benchPrivacy(profile.privacy), privacyRows(ingestion));
  await stage('republish', () => benchRepublish(profile.republish), republishRows);
  await stage('compaction', () => benchCompaction(profile.compaction), compactionRows);
  await stage('query', () => benchQuery(profile.query), queryRows);
  await stage('cold-start', () => benchColdStart(profile.coldStart), coldStartRows);
  await stage('instructions', () => benchInstructions(profile.instructions), instructionsRows);
  return { results, rows };
}

async function main(): Promise<void> {
  const [mode, arg, dir] = process.argv.slice(2);
  const child = childRun(mode, arg ?? '', dir ?? '');
  if (child !== undefined) return child;
  const { profile, stages } = parseArgs(process.argv.slice(2));
  const scratchBefore = scratchEntries();
  const started = Date.now();
  const { results, rows } = await runStages(profile, stages);
  const missing = missingRows(expectedRows(stages, COLD_START_SERVICES, profile.query.sizesMb), rows);
  if (missing.length > 0) throw new Error(`bench: rows missing from this run: ${missing.join('; ')}`);
  const output = {
    profile: profile.name,
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
  // The smoke's figures are no measurement: they go beside the bundle, never over the committed results.
  const file =
    profile.name === 'full' ? join(__dirname, '..', 'results.json') : join(__dirname, 'results.smoke.json');
  writeFileSync(file, `${JSON.stringify(output, null, 2)}\n`);
  // Only a full run of every stage is the table the docs show.
  if (profile.name === 'full' && stages.size === STAGES.length) writeReadme(output);
  console.log(table(rows, { judged: profile.name === 'full' }));
  const left = leftBehind(scratchBefore);
  if (left.length > 0)
    throw new Error(`the run left ${left.join(', ')} in ${tmpdir()}: a stage does not clean up`);
  console.log(
    `\n${output.seconds} s on ${output.machine.cpus} × ${output.machine.cpu}, node ${process.version}, commit ${output.commit}`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
