import { dumpInstructions } from '../src/callgrind-dump';

/** The head of a dump callgrind 3.19 wrote here (`callgrind_control --dump` of a bench server). */
const DUMP_HEAD = `# callgrind format
version: 1
creator: callgrind-3.19.0
pid: 9400
cmd:  node .build/run.cjs server serve
part: 1


desc: I1 cache: 
desc: D1 cache: 
desc: LL cache: 

desc: Timerange: Basic block 0 - 880278883
desc: Trigger: dump

positions: line
events: Ir
summary: 1870843617


ob=(8) /usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30
fl=(160) ???
fn=(4322) operator new[](unsigned long)
0 1968
`;

describe('dumpInstructions, the count a callgrind dump gives', () => {
  it.each([
    ['its summary line', DUMP_HEAD, 1_870_843_617],
    ['a totals line where there is no summary', 'events: Ir\ntotals: 42\n', 42],
  ])('reads %s', (_name, text, count) => {
    expect(dumpInstructions(text)).toBe(count);
  });

  it('refuses a file that is not a dump', () => {
    expect(() => dumpInstructions('events: Ir\n0 12\n')).toThrow(/no summary line/);
  });
});
