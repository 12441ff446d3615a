import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ROOT, readDoc, taggedBlocks } from './support/markdown';

// The README's quick start, as written: `serve` (the built command, on free ports, with a temporary
// archive and the machine's RabbitMQ) as its first command starts it, then every block marked
// `<!-- run: quickstart -->` in the README, then every `<!-- run: serve -->` block of the guides,
// each in bash from the repository's root; each must exit 0.

const BIN = join(ROOT, 'apps', 'cli', 'bin', 'github-webhooks.cjs');
const README = readDoc('README.md');
const GUIDES = readdirSync(join(ROOT, 'docs'))
  .filter((name) => name.endsWith('.md'))
  .map((name) => `docs/${name}`);
// Exchanges of this test's own: a consumer of the usual names (a benchmark, a `listen`) never sees its messages.
const EXCHANGES = {
  PULSE_EXCHANGE: 'exchange/github-webhooks-docs-test/v1',
  PULSE_EXCHANGE_DOTTED: 'exchange/github-webhooks-docs-test/v3',
};
const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/** The secret of the README's first command (`WEBHOOK_SECRETS=… pnpm start`). */
const SECRET = /WEBHOOK_SECRETS=(\S+) pnpm start/.exec(README)?.[1];

function brokerReachable(): Promise<boolean> {
  const url = new URL(AMQP_URL);
  return new Promise((resolve) => {
    const socket = createConnection({ host: url.hostname, port: Number(url.port || 5672) });
    const done = (reachable: boolean) => {
      socket.destroy();
      resolve(reachable);
    };
    socket.setTimeout(3_000);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

/** Starts `serve`; resolves with its webhook port once it says it is serving. */
function startServe(archive: string): Promise<{ child: ChildProcess; port: number; log: string[] }> {
  const child = spawn(process.execPath, [BIN, 'serve'], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...EXCHANGES,
      WEBHOOK_SECRETS: SECRET,
      HOST: '127.0.0.1',
      PORT: '0',
      DASHBOARD_PORT: '0',
      ARCHIVE_DIR: archive,
      AMQP_URL,
      COMPACT_EVERY_SECONDS: '0',
      RECONCILE_EVERY_SECONDS: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${log.join('\n')}`)), 30_000);
    child.once('exit', (code) => reject(new Error(`serve exited ${code}:\n${log.join('\n')}`)));
    createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (line) => log.push(line));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      log.push(line);
      const record = /^\{/.test(line) ? (JSON.parse(line) as { message?: string; url?: string }) : {};
      if (record.message !== 'github-webhooks serving' || record.url === undefined) return;
      clearTimeout(timer);
      resolve({ child, port: Number(new URL(record.url).port), log });
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** One block in bash, as a reader pastes it in a fresh terminal at the repository's root. */
function run(block: string, env: NodeJS.ProcessEnv): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      'bash',
      ['-e', '-o', 'pipefail', '-c', block],
      { cwd: ROOT, env, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
      (error, out, err) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, out, err });
      },
    );
  });
}

describe('the quick start, run as written against serve', () => {
  const quickstart = taggedBlocks(README, 'quickstart');
  const guides = GUIDES.flatMap((path) =>
    taggedBlocks(readDoc(path), 'serve').map((block) => ({ path, block })),
  );
  let archive: string;
  let serve: { child: ChildProcess; port: number; log: string[] } | undefined;

  beforeAll(async () => {
    if (!(await brokerReachable()))
      throw new Error(`no RabbitMQ at ${AMQP_URL}: scripts/setup.sh starts one (or set AMQP_URL)`);
    archive = mkdtempSync(join(tmpdir(), 'docs-quickstart-'));
    serve = await startServe(archive);
  }, 60_000);

  afterAll(async () => {
    if (serve !== undefined) await stop(serve.child);
    if (archive !== undefined) rmSync(archive, { recursive: true, force: true });
  }, 30_000);

  it('has blocks to run: the README sends deliveries and reads them back', () => {
    expect(SECRET).toBeDefined();
    expect(quickstart.length).toBeGreaterThan(0);
    expect(quickstart.join('\n')).toMatch(/github-webhooks send /);
    expect(guides.length).toBeGreaterThan(0);
  });

  it('runs every block, each exiting 0, and the deliveries are in the archive', async () => {
    if (serve === undefined) throw new Error('serve did not start');
    const { WEBHOOK_SECRETS: _secret, ...inherited } = process.env;
    const env = { ...inherited, ...EXCHANGES, AMQP_URL, PORT: String(serve.port), ARCHIVE_DIR: archive };
    const blocks = [...quickstart.map((block) => ({ path: 'README.md', block })), ...guides];
    for (const { path, block } of blocks) {
      const result = await run(block, env);
      expect({ path, block, code: result.code, stderr: result.err.slice(-2_000) }).toEqual({
        path,
        block,
        code: 0,
        stderr: expect.any(String),
      });
    }
    expect(
      readdirSync(join(archive, 'raw'), { recursive: true }).some((f) => String(f).endsWith('.ndjson')),
    ).toBe(true);
  }, 300_000);
});
