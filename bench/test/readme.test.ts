import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { README, type ResultsFile, withResults } from '../src/readme';

describe('bench/README.md', () => {
  const results = JSON.parse(readFileSync(join(__dirname, '..', 'results.json'), 'utf8')) as ResultsFile;
  const readme = readFileSync(README, 'utf8');

  it('shows the committed results file’s table, as a run writes it (UPDATE_BENCH_README=1 rewrites it)', () => {
    if (process.env.UPDATE_BENCH_README === '1') writeFileSync(README, withResults(readme, results));
    expect(withResults(readme, results)).toBe(readFileSync(README, 'utf8'));
  });

  it('is rewritten when the results change', () => {
    const other = { ...results, commit: 'abcdef0' };
    expect(withResults(readme, other)).not.toBe(readme);
    expect(withResults(readme, other)).toContain('commit abcdef0');
  });
});
