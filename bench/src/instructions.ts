import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { dumpInstructions } from './callgrind-dump';
import { load, stopped, waitForReady } from './ingestion';
import { instructionsPayload } from './payloads';
import type { ServerKind } from './servers';
import { type Summary, summarize } from './stats';
import { bodyOf, serverOf, type Target } from './targets';

/**
 * The instructions a request costs `serve` (private deliveries) and (b‴) on the event loop's thread,
 * counted by valgrind's callgrind. Rates and CPU times swing from round to round and host to host
 * (one round ±15 %; `serve`'s CPU a request 1.17× (b‴)'s on one host, 1.4× on a slower one); this
 * count came out within 1 % in each of two rounds, so it shows what a change to `serve`'s own code
 * did. It leaves out what the kernel does (syscalls, the sync), the caches (why a slow host's ratio
 * is worse), V8's helper threads, and on a CPU whose SHA extensions valgrind does not emulate it
 * counts hashing as the generic code's.
 */
export interface InstructionsRow {
  readonly payload: string;
  readonly connections: number;
  readonly target: InstructionsTarget;
  /** Requests counted (after as many unmeasured). */
  readonly requests: number;
  /** Instructions a request, over the rounds. */
  readonly perRequest: Summary;
}

/** (b‴), the durable server that writes the record the archive needs, and `serve`. */
export type InstructionsTarget = Extract<Target, 'durable-record' | 'serve-private'>;
export const INSTRUCTIONS_TARGETS: readonly InstructionsTarget[] = ['durable-record', 'serve-private'];
const CONNECTIONS = 10;

const run = promisify(execFile);

/** Fails at once, with what to install, where valgrind is missing. */
async function checkValgrind(): Promise<void> {
  try {
    await run('valgrind', ['--version']);
    await run('callgrind_control', ['--version']);
  } catch (cause) {
    throw new Error('the instructions stage needs valgrind and callgrind_control (apt install valgrind)', {
      cause,
    });
  }
}

/**
 * One server under callgrind: warmed up by `requests` unmeasured (the JIT's tiers), its counts
 * zeroed, `requests` more, its counts dumped and read; then stopped, its files removed.
 */
async function count(kind: ServerKind, body: Buffer, event: string, requests: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'gw-bench-callgrind-'));
  try {
    const child = spawn(
      'valgrind',
      [
        '--tool=callgrind',
        // The event loop's thread counted on its own: V8's helper threads (compilers, concurrent
        // marking) do more or less during a count as they happen to run (counted with them, one
        // server's two counts were 11 % apart; on its own, 1 %).
        '--separate-threads=yes',
        `--callgrind-out-file=${join(dir, 'out.%p')}`,
        process.execPath,
        process.argv[1] ?? '',
        'server',
        kind,
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    try {
      const port = await waitForReady(child, kind);
      await load(port, event, body, CONNECTIONS, { amount: requests });
      // valgrind runs the program in its own process: the child's pid is the one to control.
      await run('callgrind_control', ['--zero', String(child.pid)]);
      await load(port, event, body, CONNECTIONS, { amount: requests });
      await run('callgrind_control', ['--dump', String(child.pid)]);
      // One file per thread (-01 the main one), written as the dump was asked for.
      const dump = join(dir, `out.${child.pid}.1-01`);
      if (!existsSync(dump)) throw new Error(`callgrind wrote no dump for ${kind} (${dump})`);
      return dumpInstructions(readFileSync(dump, 'utf8'));
    } finally {
      await stopped(child);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Each target counted in turn, `rounds` times, alternating: the row shows how far the counts agree. */
export async function benchInstructions(options: {
  readonly requests: number;
  readonly rounds: number;
}): Promise<InstructionsRow[]> {
  await checkValgrind();
  const payload = instructionsPayload();
  const counts = new Map<InstructionsTarget, number[]>();
  for (let r = 0; r < options.rounds; r++) {
    const order = r % 2 === 0 ? INSTRUCTIONS_TARGETS : [...INSTRUCTIONS_TARGETS].reverse();
    for (const target of order) {
      const total = await count(serverOf(target), bodyOf(target, payload), payload.event, options.requests);
      counts.set(target, [...(counts.get(target) ?? []), total / options.requests]);
      process.stderr.write(`instructions ${target}: ${Math.round(total / options.requests)} a request\n`);
    }
  }
  return INSTRUCTIONS_TARGETS.map((target) => ({
    payload: payload.name,
    connections: CONNECTIONS,
    target,
    requests: options.requests,
    perRequest: summarize(counts.get(target) ?? []),
  }));
}
