import { spawnSync } from 'node:child_process';

/**
 * `bench <mode> <args…>` in a fresh process (so the parent's heap, every example payload, weighs on
 * none of its garbage collection), and the JSON it printed last. `label` names it in the error when
 * it fails.
 */
export function runBenchChild<T>(label: string, mode: string, args: readonly string[]): T {
  const result = spawnSync(process.execPath, [process.argv[1] ?? '', mode, ...args], {
    encoding: 'utf8',
    maxBuffer: 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`${label} exited with ${result.status}: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as T;
}
