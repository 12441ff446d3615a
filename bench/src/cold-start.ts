import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Summary, summarize } from './stats';

const ROOT = join(__dirname, '..', '..');
export const COLD_START_SERVICES = [
  'ingestion',
  'pulse-republisher',
  'archive-compactor',
  'delivery-reconciler',
] as const;

export interface ColdStartRow {
  readonly service: string;
  readonly zipBytes: number;
  readonly nodeBare: Summary;
  /** The SDK clients required, and those the handler builds at load constructed (plus amqplib for the republisher). */
  readonly sdkRequire: Summary;
  /** Of which: constructing the clients. */
  readonly sdkConstruct: Summary;
  readonly handlerLoad: Summary;
  /** Handler load with the SDK clients loaded and built, paired within each round, in ms. */
  readonly overSdk: Summary;
  /** The same over the SDK's `require` alone (the clients' construction counted as the handler's). */
  readonly overSdkRequire: Summary;
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

/** Wall time of a whole `node -e 0` in ms: the runtime's own start, for context. */
function startTime(env: Record<string, string>): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['-e', '0'], { env: { ...baseEnv(), ...env } });
  if (result.status !== 0) throw new Error(`node -e 0 failed: ${result.stderr}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** `new (require("@aws-sdk/client-x").XClient)({})` for each client a handler constructs at load. */
export function constructedClients(handlerSource: string): string[] {
  const packages = new Map<string, string>();
  for (const m of handlerSource.matchAll(/import \{([^}]*)\} from '(@aws-sdk\/client-[a-z0-9-]+)'/g))
    for (const name of (m[1] as string).split(',')) packages.set(name.trim(), m[2] as string);
  const built = [...new Set([...handlerSource.matchAll(/new (\w+Client)\(/g)].map((m) => m[1] as string))];
  return built.flatMap((name) => {
    const pkg = packages.get(name);
    return pkg === undefined ? [] : [`new (require(${JSON.stringify(pkg)}).${name})({});`];
  });
}

/**
 * Milliseconds each group of statements takes inside one fresh Node process, in order, measured by
 * that process: the SDK clients required, then built as the handler builds them at load (work any
 * function using them does), then what else the function cannot start without (amqplib), then the
 * handler, whose own cost is what is left once the SDK is loaded and built (as the runtime has it).
 */
function loadTimes(groups: readonly (readonly string[])[], env: Record<string, string>): number[] {
  const code = [
    'const ms=[];let t=process.hrtime.bigint();',
    ...groups.map(
      (group) => `${group.join('')}{const n=process.hrtime.bigint();ms.push(Number(n-t)/1e6);t=n;}`,
    ),
    'process.stdout.write(JSON.stringify(ms))',
  ].join('');
  const result = spawnSync(process.execPath, ['-e', code], {
    env: { ...baseEnv(), ...env },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`node -e failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as number[];
}

/** The environment without NODE_EXTRA_CA_CERTS (it adds ~86 ms to every start here, reading certificates). */
function baseEnv(): NodeJS.ProcessEnv {
  const { NODE_EXTRA_CA_CERTS: _unset, ...base } = process.env;
  return base;
}

/**
 * Module load of each packaged Lambda bundle against the AWS SDK clients that bundle uses (the
 * runtime provides them), required and built as the handler builds them, each in a fresh process,
 * alternating, several rounds.
 */
export function benchColdStart(options: { runs: number }): ColdStartRow[] {
  const rows: ColdStartRow[] = [];
  for (const service of COLD_START_SERVICES) {
    const zip = join(ROOT, 'services', service, '.serverless', `github-webhooks-${service}.zip`);
    if (!existsSync(zip)) throw new Error(`${zip} is missing: run \`pnpm package\` first`);
    const dir = mkdtempSync(join(tmpdir(), `gw-cold-${service}-`));
    spawnSync('unzip', ['-q', zip, '-d', dir]);
    const handler = join(dir, 'src', 'handler.js');
    const source = readFileSync(handler, 'utf8');
    const sdk = [
      ...new Set([...source.matchAll(/require\("(@aws-sdk\/[^"]+)"\)/g)].map((m) => m[1] as string)),
    ];
    // The runtime resolves the SDK from its own node_modules; here, from the service's.
    const env = {
      ...handlerEnv(service),
      NODE_PATH: join(ROOT, 'services', service, 'node_modules'),
      AWS_REGION: 'us-east-1',
    };
    // The republisher cannot start without amqplib (bundled): its require counts as necessary too.
    const needed = service === 'pulse-republisher' ? ['amqplib'] : [];
    const construct = constructedClients(
      readFileSync(join(ROOT, 'services', service, 'src', 'handler.ts'), 'utf8'),
    );
    const require = (modules: readonly string[]) => modules.map((m) => `require(${JSON.stringify(m)});`);
    const samples: number[][] = [[], [], [], [], [], []];
    for (let i = 0; i < options.runs; i++) {
      samples[0]?.push(startTime(env));
      const [sdkMs = 0, constructMs = 0, neededMs = 0, handlerMs = 0] = loadTimes(
        [require(sdk), construct, require(needed), require([handler])],
        env,
      );
      samples[1]?.push(sdkMs + constructMs + neededMs);
      samples[2]?.push(constructMs);
      samples[3]?.push(sdkMs + constructMs + neededMs + handlerMs);
      // What the bundle adds: its load with the SDK loaded and built, less the libraries it cannot do without.
      samples[4]?.push(handlerMs - neededMs);
      samples[5]?.push(constructMs + handlerMs - neededMs);
    }
    const [nodeBare, sdkRequire, sdkConstruct, handlerLoad, overSdk, overSdkRequire] = samples.map((s) =>
      summarize(s),
    ) as [Summary, Summary, Summary, Summary, Summary, Summary];
    rows.push({
      service,
      zipBytes: readFileSync(zip).length,
      nodeBare,
      sdkRequire,
      sdkConstruct,
      handlerLoad,
      overSdk,
      overSdkRequire,
      overSdkMs: overSdk.median,
    });
    process.stderr.write(
      `cold start ${service}: handler ${handlerLoad.median.toFixed(1)} ms, SDK ${sdkRequire.median.toFixed(1)} ms\n`,
    );
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
