import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { TEST_SECRET } from '@github-webhooks/fixtures';

/**
 * The environment every test's serve runs with: the test secret, its own archive directory and
 * Pulse exchange (no dotted one), no page; `extra` adds or overrides.
 */
export function serveTestEnv(
  archive: string,
  exchange: string,
  extra: Readonly<Record<string, string>> = {},
): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DASHBOARD_PORT: 'off',
    WEBHOOK_SECRETS: TEST_SECRET,
    ARCHIVE_DIR: archive,
    PULSE_EXCHANGE: exchange,
    PULSE_EXCHANGE_DOTTED: 'off',
    ...extra,
  };
}

/** The built command (pnpm build), as an operator runs it. */
export const SERVE_BIN = join(__dirname, '..', '..', 'bin', 'github-webhooks.cjs');

/**
 * Starts serve (or a test build of it) in a process of its own with this environment, and resolves
 * once it says it is serving; rejects with its output if it exits first.
 */
export function startServing(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  stderr: 'inherit' | 'ignore' = 'ignore',
): Promise<ChildProcess> {
  const started = spawn(process.execPath, [...args], { env, stdio: ['ignore', 'pipe', stderr] });
  return new Promise((resolve, reject) => {
    let output = '';
    started.stdout?.on('data', (chunk) => {
      output += chunk;
      if (output.includes('github-webhooks serving')) resolve(started);
    });
    started.once('exit', (code, signal) =>
      reject(new Error(`serve exited with ${code ?? signal}: ${output.slice(-2000)}`)),
    );
  });
}

export interface ServingProcess {
  readonly child: ChildProcess;
  /** The port its `github-webhooks serving` line names (it was started with `--port 0`). */
  readonly port: number;
  /** Everything it has written so far (stdout, and stderr when piped). */
  output(): string;
}

const SERVING_URL = /"url":"http:\/\/127\.0\.0\.1:(\d+)/;

/**
 * Starts the built command's `serve` on a port of its choosing (`--port 0` among `args`) and
 * resolves once it says where it serves; rejects with its output if it exits first.
 */
export function startServingAnyPort(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  stderr: 'inherit' | 'pipe' = 'inherit',
): Promise<ServingProcess> {
  const child = spawn(process.execPath, [SERVE_BIN, 'serve', ...args], {
    env,
    stdio: ['ignore', 'pipe', stderr],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const take = (chunk: Buffer) => {
      output += chunk;
      const port = SERVING_URL.exec(output)?.[1];
      if (port !== undefined) resolve({ child, port: Number(port), output: () => output });
    };
    child.stdout?.on('data', take);
    child.stderr?.on('data', take);
    child.once('exit', (code, signal) =>
      reject(new Error(`serve exited with ${code ?? signal}: ${output.slice(-2000)}`)),
    );
  });
}
