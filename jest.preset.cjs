// Shared jest settings: TypeScript through swc (type checking is the separate `typecheck` task),
// and a JSON report per workspace that scripts/test.mjs sums into one closing line.
const path = require('node:path');

const ESM_ONLY = [
  '@octokit/(?!openapi|types|webhooks-examples|webhooks-schemas|webhooks-types)[a-z-]+',
  'before-after-hook',
  'content-type',
  'json-with-bigint',
  'toad-cache',
  'universal-github-app-jwt',
  'universal-user-agent',
];

module.exports = (dir) => ({
  rootDir: dir,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  // octokit and its helpers are ES modules only: swc turns them into CommonJS for jest, as esbuild
  // does for the bundles.
  transformIgnorePatterns: [`/node_modules/(?!(\\.pnpm/[^/]+/node_modules/)?(${ESM_ONLY.join('|')})/)`],
  collectCoverageFrom: ['<rootDir>/src/**/*.ts'],
  coverageDirectory: path.join(dir, 'reports', 'coverage'),
  coverageReporters: ['text-summary', 'json-summary'],
  testTimeout: 30000,
});
