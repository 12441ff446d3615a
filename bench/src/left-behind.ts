import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';

/** The prefixes of the scratch directories the bench's stages make in the temp directory. */
const SCRATCH = /^(gw-bench-|gw-cold-|compact-bench-)/;

/** The bench's scratch directories in the temp directory now. */
export const scratchEntries = (dir = tmpdir()): Set<string> =>
  new Set(readdirSync(dir).filter((name) => SCRATCH.test(name)));

/**
 * Those scratch directories there now that were not `before`: what a run left behind. A full run
 * writes tens of gigabytes of archives and logs; one stage that forgets to clean up fills the disk
 * in a few runs (seen here: 75 GB), so a run that leaves any fails, the smoke in CI included.
 */
export function leftBehind(before: ReadonlySet<string>, dir = tmpdir()): string[] {
  return [...scratchEntries(dir)].filter((name) => !before.has(name)).sort();
}
