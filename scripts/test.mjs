// `pnpm test`: lint, typecheck, package and test every workspace through turbo, then sum the jest
// reports into one closing line. Fails when anything fails or when no test ran at all.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const workspaces = ['packages', 'services'].flatMap((dir) =>
  readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(dir, entry.name)),
);
const report = (ws) => join(ws, 'reports', 'jest.json');
for (const ws of workspaces) rmSync(report(ws), { force: true });

const turbo = spawnSync(
  'pnpm',
  [
    'exec',
    'turbo',
    'run',
    'lint',
    'typecheck',
    'test',
    '--concurrency=2',
    '--continue',
    ...process.argv.slice(2),
  ],
  {
    stdio: 'inherit',
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
  },
);

let passed = 0;
let failed = 0;
for (const ws of workspaces.filter((w) => existsSync(report(w)))) {
  const result = JSON.parse(readFileSync(report(ws), 'utf8'));
  passed += result.numPassedTests;
  failed += result.numFailedTests + result.numRuntimeErrorTestSuites;
  console.log(`${ws}: ${result.numPassedTests} passed, ${result.numFailedTests} failed`);
}
console.log(`tests: ${passed} passed, ${failed} failed`);
if (turbo.status !== 0) process.exit(turbo.status ?? 1);
if (failed > 0 || passed === 0) process.exit(1);
