import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Summary, summarize } from './stats';

const ROOT = join(__dirname, '..', '..');
const SERVICES = ['ingestion', 'pulse-republisher', 'archive-compactor'] as const;

export interface ColdStartRow {
  readonly service: string;
  readonly zipBytes: number;
  readonly nodeBare: Summary;
  readonly sdkRequire: Summary;
  readonly handlerLoad: Summary;
  /** Handler load minus SDK require, paired within each round, in ms. */
  readonly overSdk: Summary;
  readonly overSdkMs: number;
}

/** Environment for a handler's module load, taken from its template with references stubbed. */
function handlerEnv(service: string): Record<string, string> {
  const template = JSON.parse(
    readFileSync(
      join(ROOT, 'services', service, '.serverless', 'cloudformation-template-update-stack.json'),
      'utf8',
    ),
  );
  const env: Record<string, string> = {};
  for (const resource of Object.values(template.Resources) as {
    Type: string;
    Properties: { Environment?: { Variables: Record<string, unknown> } };
  }[]) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    for (const [name, value] of Object.entries(resource.Properties.Environment?.Variables ?? {})) {
      env[name] =
        typeof value === 'string'
          ? value
          : name.endsWith('_ARN')
            ? 'arn:aws:sns:us-east-1:000000000000:bench'
            : 'bench';
    }
  }
  return env;
}

/** Wall time of `node -e <code>` in ms, without NODE_EXTRA_CA_CERTS (it adds ~86 ms to every start here). */
function time(code: string, env: Record<string, string>, runs: number): Summary {
  const { NODE_EXTRA_CA_CERTS: _unset, ...base } = process.env;
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, ['-e', code], { env: { ...base, ...env }, encoding: 'utf8' });
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (result.status !== 0) throw new Error(`node -e failed: ${result.stderr}`);
  }
  return summarize(samples);
}

/**
 * Module load of each packaged Lambda bundle against `node -e 0` and against a bare `require` of
 * the AWS SDK clients that bundle uses (the runtime provides them), alternating, several rounds.
 */
export function benchColdStart(options: { runs: number }): ColdStartRow[] {
  const rows: ColdStartRow[] = [];
  for (const service of SERVICES) {
    const zip = join(ROOT, 'services', service, '.serverless', `github-webhooks-${service}.zip`);
    if (!existsSync(zip)) throw new Error(`${zip} is missing: run \`pnpm package\` first`);
    const dir = mkdtempSync(join(tmpdir(), `gw-cold-${service}-`));
    spawnSync('unzip', ['-q', zip, '-d', dir]);
    const handler = join(dir, 'src', 'handler.js');
    const source = readFileSync(handler, 'utf8');
    const sdk = [...new Set([...source.matchAll(/require\("(@aws-sdk\/[^"]+)"\)/g)].map((m) => m[1]))];
    // The runtime resolves the SDK from its own node_modules; here, from the service's.
    const env = {
      ...handlerEnv(service),
      NODE_PATH: join(ROOT, 'services', service, 'node_modules'),
      AWS_REGION: 'us-east-1',
    };
    const bare: number[][] = [[], [], []];
    for (let i = 0; i < options.runs; i++) {
      bare[0]?.push(time('0', env, 1).median);
      bare[1]?.push(time(sdk.map((m) => `require(${JSON.stringify(m)});`).join(''), env, 1).median);
      bare[2]?.push(time(`require(${JSON.stringify(handler)})`, env, 1).median);
    }
    const [nodeBare, sdkRequire, handlerLoad] = bare.map((s) => summarize(s)) as [Summary, Summary, Summary];
    // Start-up times drift with the machine's load: compare within each round, then take the median.
    const overSdk = summarize(handlerLoad.samples.map((ms, i) => ms - (sdkRequire.samples[i] ?? ms)));
    rows.push({
      service,
      zipBytes: readFileSync(zip).length,
      nodeBare,
      sdkRequire,
      handlerLoad,
      overSdk,
      overSdkMs: overSdk.median,
    });
    process.stderr.write(
      `cold start ${service}: handler ${handlerLoad.median.toFixed(1)} ms, SDK ${sdkRequire.median.toFixed(1)} ms\n`,
    );
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
