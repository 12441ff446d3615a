import { type ChildProcess, spawn } from 'node:child_process';
import { cpuMicrosPer, localBrokerPid, processCpuSeconds, untilQuiet } from '../src/process-cpu';

/** A Node process that spins (`busy`) or sleeps, killed after each test. */
const children: ChildProcess[] = [];
function child(busy: boolean): number {
  const code = busy ? 'for(;;){}' : 'setInterval(() => {}, 1000)';
  const started = spawn(process.execPath, ['-e', code], { stdio: 'ignore' });
  children.push(started);
  if (started.pid === undefined) throw new Error('the child did not start');
  return started.pid;
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

afterEach(() => {
  for (const started of children.splice(0)) started.kill('SIGKILL');
});

describe('process-cpu, what the bench reads of other processes’ CPU', () => {
  it('reads a spinning process’s CPU time growing, never faster than the clock', async () => {
    const pid = child(true);
    await sleep(200);
    // The clock first: a pause between the two readings then counts as time, never as CPU unseen.
    const started = performance.now();
    const before = processCpuSeconds(pid) ?? Number.NaN;
    await sleep(500);
    const used = (processCpuSeconds(pid) ?? Number.NaN) - before;
    const elapsed = (performance.now() - started) / 1000;
    // One thread: at most the wall time (plus a tick); at least some of it, however busy the machine.
    expect(used).toBeGreaterThan(0.02);
    expect(used).toBeLessThanOrEqual(elapsed + 0.02);
  });

  it('answers undefined for a process that is not there', () => {
    expect(processCpuSeconds(2 ** 22 + 1)).toBeUndefined();
  });

  it('counts CPU per unit of the work done, and nothing without a process', async () => {
    const pid = child(true);
    const spin = await cpuMicrosPer(
      pid,
      () => sleep(300).then(() => 3),
      (units) => units,
    );
    expect(spin.result).toBe(3);
    // Up to ~300 ms of a spinning core over 3 units: at most ~100,000 µs each.
    expect(spin.micros).toBeGreaterThan(3_000);
    expect(spin.micros).toBeLessThan(110_000);
    expect(
      (
        await cpuMicrosPer(
          undefined,
          () => 1,
          () => 1,
        )
      ).micros,
    ).toBeUndefined();
  });

  it.each([
    { busy: false, quiet: true },
    { busy: true, quiet: false },
  ])('untilQuiet of a process that is busy: $busy → $quiet', async ({ busy, quiet }) => {
    const pid = child(busy);
    await sleep(300); // past Node's own start
    // /proc counts CPU in clock ticks (10 ms), sampled: a window must span many of them, or a spinning
    // process sharing a loaded machine can be seen with none in one window (as the bench's 250 ms do).
    expect(await untilQuiet([pid, undefined], { windowMs: 300, timeoutMs: 1_500 })).toBe(quiet);
  });

  // CI and this machine run RabbitMQ locally (the README's set-up): the relay's CPU bound needs it.
  it('finds the local RabbitMQ node', () => {
    const pid = localBrokerPid();
    expect(pid).toEqual(expect.any(Number));
    expect(processCpuSeconds(pid ?? 0)).toEqual(expect.any(Number));
  });
});
