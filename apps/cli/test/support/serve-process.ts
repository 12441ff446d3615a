import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

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
