// Shared jest settings: TypeScript through swc (type checking is the separate `typecheck` task),
// and a JSON report per workspace that scripts/test.mjs sums into one closing line.
const path = require('node:path');

module.exports = (dir) => ({
  rootDir: dir,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  collectCoverageFrom: ['<rootDir>/src/**/*.ts'],
  coverageDirectory: path.join(dir, 'reports', 'coverage'),
  coverageReporters: ['text-summary', 'json-summary'],
  testTimeout: 30000,
});
