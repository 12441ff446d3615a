import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { CompactBenchResult } from '@github-webhooks/archive-compactor/bench/compact-throughput';

/**
 * The compactor's own benchmark (services/archive-compactor/bench), run as its own bundle: ≥ 300 MB
 * of generated raw objects with duplicates, compacted in a child process, against a bare Node
 * gunzip → gzip -6 stream and `zcat | gzip -6` of the same bytes, alternating, medians.
 */
export function benchCompaction(options: { megabytes: number; rounds: number }): CompactBenchResult {
  const bundle = join(__dirname, 'compact.cjs');
  const result = spawnSync(process.execPath, [bundle], {
    env: {
      ...process.env,
      COMPACT_BENCH_MB: String(options.megabytes),
      COMPACT_BENCH_ROUNDS: String(options.rounds),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`compaction benchmark exited with ${result.status}`);
  return JSON.parse(result.stdout) as CompactBenchResult;
}
