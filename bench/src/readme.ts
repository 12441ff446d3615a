import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Row, table } from './table';

export const README = join(__dirname, '..', 'README.md');
const START = '<!-- results:start -->';
const END = '<!-- results:end -->';

/** What a results file holds that the README shows. */
export interface ResultsFile {
  readonly when: string;
  readonly commit: string;
  readonly machine: { readonly cpus: number; readonly cpu?: string | undefined; readonly node: string };
  readonly seconds: number;
  readonly table: readonly Row[];
}

/** The README's results block for a results file: the machine, then the table as the run printed it. */
export function resultsBlock(results: ResultsFile): string {
  const { machine } = results;
  return [
    START,
    `Run of ${results.when.slice(0, 10)}, commit ${results.commit}, ${machine.cpus} × ${machine.cpu ?? '?'}, Node ${machine.node.replace(/^v/, '')}, ${Math.round(results.seconds)} s.`,
    '',
    table(results.table),
    END,
  ].join('\n');
}

/** The README with its results block replaced by the one for `results`. */
export function withResults(readme: string, results: ResultsFile): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start === -1 || end < start) throw new Error(`bench/README.md has no ${START} … ${END} block`);
  return readme.slice(0, start) + resultsBlock(results) + readme.slice(end + END.length);
}

/** Rewrites bench/README.md's results from a results file (after a full run). */
export function writeReadme(results: ResultsFile): void {
  writeFileSync(README, withResults(readFileSync(README, 'utf8'), results));
}
