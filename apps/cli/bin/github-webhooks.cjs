#!/usr/bin/env node
// The command is bundled by `pnpm build` (scripts/setup.sh runs it) into dist/cli.cjs.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const bundle = join(__dirname, '..', 'dist', 'cli.cjs');
if (!existsSync(bundle)) {
  console.error('github-webhooks: not built yet; run `pnpm build` in the repository first');
  process.exit(1);
}
require(bundle);
