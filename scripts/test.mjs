// `pnpm test`: lint (Biome, and the dependency rules), typecheck, package and test every workspace through turbo, then sum the jest
// reports into one closing line. Fails when anything fails or when no test ran at all, and before
// anything runs when this is not the Node of .node-version (production runs that major: nodejs24.x).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const pinned = readFileSync('.node-version', 'utf8').trim().replace(/^v/, '');
if (process.versions.node !== pinned) {
  console.error(
    `tests: this is Node ${process.version}, the project pins v${pinned} (.node-version); run scripts/setup.sh`,
  );
  process.exit(1);
}
console.log(`tests: on Node ${process.version} (${process.platform}-${process.arch})`);

const workspaces = [
  ...['packages', 'services', 'apps', 'e2e']
    .filter((dir) => existsSync(dir))
    .flatMap((dir) =>
      readdirSync(dir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => join(dir, entry.name)),
    ),
  'bench',
  'schemas',
  'docs',
];
const report = (ws) => join(ws, 'reports', 'jest.json');
for (const ws of workspaces) rmSync(report(ws), { force: true });

const turbo = spawnSync(
  'pnpm',
  [
    'exec',
    'turbo',
    'run',
    'lint',
    'lint:deps',
    'lint:budgets',
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
// A task can fail with every test passing (lint, types, a coverage threshold): say so on the closing line.
const tasks = turbo.status === 0 ? '' : '; a task failed (turbo\'s "Failed:" above names it)';
console.log(`tests: ${passed} passed, ${failed} failed${tasks} (Node ${process.version})`);
if (turbo.status !== 0) process.exit(turbo.status ?? 1);
if (failed > 0 || passed === 0) process.exit(1);
