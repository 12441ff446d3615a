import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { leftBehind, scratchEntries } from '../src/left-behind';

describe('leftBehind, the scratch directories a run did not remove', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'left-behind-test-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('names the bench’s new scratch directories, not those there before nor anyone else’s', () => {
    mkdirSync(join(dir, 'gw-bench-serve-old'));
    const before = scratchEntries(dir);
    for (const name of ['gw-bench-serve-a', 'gw-cold-ingestion-b', 'compact-bench-c', 'gw-test-d', 'other'])
      mkdirSync(join(dir, name));
    expect(leftBehind(before, dir)).toEqual(['compact-bench-c', 'gw-bench-serve-a', 'gw-cold-ingestion-b']);
  });

  it('is empty when the run cleaned up', () => {
    const before = scratchEntries(dir);
    mkdirSync(join(dir, 'gw-bench-relay-x'));
    rmSync(join(dir, 'gw-bench-relay-x'), { recursive: true });
    expect(leftBehind(before, dir)).toEqual([]);
  });
});
