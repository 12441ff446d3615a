import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's CPU times (100 on every Linux this runs on, asked once). */
let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    const answer = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    ticksPerSecond = Number.isFinite(answer) && answer > 0 ? answer : 100;
  }
  return ticksPerSecond;
}

/**
 * CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat; undefined when
 * there is no /proc (not Linux) or the process is gone. Another process's CPU, so a server's cost
 * per request is measured without touching the server.
 */
export function processCpuSeconds(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Fields after the command name (which may hold spaces, in parentheses): utime and stime are 14th and 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) / clockTicks() : undefined;
}

/** The local RabbitMQ node's process (Erlang's beam.smp running rabbit), when the broker runs here. */
export function localBrokerPid(): number | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    let command: string;
    try {
      command = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (command.includes('beam.smp') && command.includes('rabbit')) return Number(entry);
  }
  return undefined;
}

/** Microseconds of a process's CPU per unit of work done while `work` ran; undefined when unmeasurable. */
export async function cpuMicrosPer<T>(
  pid: number | undefined,
  work: () => Promise<T> | T,
  units: (result: T) => number,
): Promise<{ result: T; micros: number | undefined }> {
  const before = pid === undefined ? undefined : processCpuSeconds(pid);
  const result = await work();
  const after = pid === undefined ? undefined : processCpuSeconds(pid);
  const count = units(result);
  const micros =
    before === undefined || after === undefined || count <= 0 ? undefined : ((after - before) * 1e6) / count;
  return { result, micros };
}

/**
 * Waits until each process has been quiet (under `maxShare` of a core over `windowMs`), so a load
 * starts on an idle machine and the CPU a server spends after its load (a publisher's backlog, the
 * broker storing it) is counted for the load that caused it, not for the next one. False when
 * `timeoutMs` passed first. /proc counts CPU in sampled clock ticks (10 ms), so a window spans many.
 */
export async function untilQuiet(
  pids: readonly (number | undefined)[],
  options: { windowMs?: number; maxShare?: number; timeoutMs?: number } = {},
): Promise<boolean> {
  const { windowMs = 250, maxShare = 0.03, timeoutMs = 60_000 } = options;
  const watched = pids.filter((pid): pid is number => pid !== undefined);
  const deadline = Date.now() + timeoutMs;
  let before = watched.map(processCpuSeconds);
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const after = watched.map(processCpuSeconds);
    const busy = after.some((seconds, i) => {
      const start = before[i];
      return seconds !== undefined && start !== undefined && seconds - start > (maxShare * windowMs) / 1000;
    });
    if (!busy) return true;
    before = after;
  }
  return false;
}
