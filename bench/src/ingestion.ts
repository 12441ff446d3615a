import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { classify, createPrivacyPolicy } from '@github-webhooks/events';
import { connect } from 'amqplib';
import autocannon from 'autocannon';
import { type BenchPayload, benchPayloads, connectionsFor } from './payloads';
import { cpuMicrosPer, localBrokerPid, untilQuiet } from './process-cpu';
import { SECRET, type ServerKind, serveExchange } from './servers';
import { round, type Summary, summarize } from './stats';
import { bodyOf, serverOf, TARGETS, type Target } from './targets';

export interface IngestionRow {
  readonly payload: string;
  readonly connections: number;
  readonly target: Target;
  readonly rps: Summary;
  readonly p50: Summary;
  readonly p99: Summary;
  /** The server process's CPU (user + system) per request, in µs, from /proc; undefined off Linux. */
  readonly cpuMicros: Summary | undefined;
}

const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

async function startServer(kind: ServerKind): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, [process.argv[1] ?? '', 'server', kind], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return { port: await waitForReady(child, kind), child };
}

/** The port a server child listens on, once it prints `ready <port>`. */
export function waitForReady(child: ChildProcess, kind: ServerKind): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk) => {
      out += chunk;
      const match = /ready (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
}

/** Ends a server with SIGTERM and resolves once it has exited. */
export function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  return exited;
}

/** Signed deliveries of one body, for `seconds` or until `amount` were answered. */
export async function load(
  port: number,
  event: string,
  body: Buffer,
  connections: number,
  length: { readonly seconds: number } | { readonly amount: number },
) {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/webhook`,
    method: 'POST',
    connections,
    // A counted load may run under valgrind, where a request takes tens of milliseconds.
    ...('seconds' in length ? { duration: length.seconds } : { amount: length.amount, timeout: 60 }),
    headers: {
      'content-type': 'application/json',
      'x-github-event': event,
      'x-github-delivery': randomUUID(),
      'x-github-hook-id': '1',
      'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
    },
    body,
  });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`server on ${port} answered ${result.non2xx} non-2xx and ${result.errors} errors`);
  }
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
  };
}

/**
 * A load, then the wait until the server and the broker are quiet: what a publishing server still
 * has to send after the load is part of its cost, and the next load must not compete with it (nor
 * with the broker storing it).
 */
async function loadUntilQuiet<T>(
  run: () => Promise<T>,
  pids: readonly (number | undefined)[],
  timeoutMs: number,
  target: Target,
): Promise<T> {
  const measured = await run();
  if (!(await untilQuiet(pids, { timeoutMs })))
    process.stderr.write(`ingestion: ${target} or the broker still busy ${timeoutMs} ms after the load\n`);
  return measured;
}

/** How long each load lasts: the measured one, and the unmeasured one before it. */
interface LoadTimes {
  readonly seconds: number;
  readonly warmupSeconds: number;
}

type Loaded = Awaited<ReturnType<typeof load>>;

/**
 * One measured load on a server started for it: warmed up by the same requests, measured, then
 * stopped (its files go with it). Servers kept running through the stage (until 2026-12-04)
 * measured less steadily, one's idle work (a delayed collection, a relay finishing) free to fall
 * into another's load: in one run (b‴) against (b′), neither changed, ranged 0.69–1.22× round by
 * round (fresh, in three runs, 0.75–1.18×, narrower in most cases), and (b′) ran 6–40 % slower than
 * fresh (bench/README.md).
 */
async function measureFresh(
  target: Target,
  loadOn: (port: number, seconds: number) => Promise<Loaded>,
  options: LoadTimes & { readonly brokerPid: number | undefined; readonly quietTimeoutMs: number },
): Promise<{ result: Loaded; micros: number | undefined }> {
  const server = await startServer(serverOf(target));
  try {
    const pids = [server.child.pid, options.brokerPid];
    // Quiet again after the warm-up: a publishing server's warm-up backlog is not measured.
    if (options.warmupSeconds > 0)
      await loadUntilQuiet(
        () => loadOn(server.port, options.warmupSeconds),
        pids,
        options.quietTimeoutMs,
        target,
      );
    return await cpuMicrosPer(
      server.child.pid,
      () => loadUntilQuiet(() => loadOn(server.port, options.seconds), pids, options.quietTimeoutMs, target),
      (measured) => measured.requests,
    );
  } finally {
    // It removes its files as it exits: wait for that, so the next load starts without them.
    await stopped(server.child);
  }
}

function checkPrivacy(payload: BenchPayload): void {
  const policy = createPrivacyPolicy();
  const verdict = (body: Buffer) => classify(payload.event, JSON.parse(body.toString()), policy).public;
  if (!verdict(payload.body) || verdict(payload.privateBody))
    throw new Error(`${payload.name}: the public/private bench bodies are not classified as such`);
}

/**
 * Requests per second and latency of `serve` (private deliveries, then public ones with the relay
 * and the broker live in the same process and run) against the baselines, each load on a server
 * process of its own (measureFresh) on loopback, in alternating order over several rounds. Pulse has a consumer queue (bounded, as a
 * slow consumer's would be), so the broker stores what the relay publishes.
 */
export async function benchIngestion(options: LoadTimes & { rounds: number }): Promise<IngestionRow[]> {
  const broker = await connect(AMQP_URL, { noDelay: true });
  const brokerPid = localBrokerPid();
  // Bounded (three loads' time), so a broker busy with someone else's work cannot stall the run.
  const quietTimeoutMs = Math.max(3, 3 * options.seconds) * 1000;
  const channel = await broker.createChannel();
  const queue = `bench-ingestion-${process.pid}`;
  const exchange = serveExchange(process.pid);
  await channel.assertExchange(exchange, 'topic', { durable: true });
  await channel.assertQueue(queue, { durable: true, arguments: { 'x-max-length': 2000 } });
  await channel.bindQueue(queue, exchange, '#');
  try {
    const rows: IngestionRow[] = [];
    for (const payload of benchPayloads()) {
      checkPrivacy(payload);
      for (const connections of connectionsFor(payload)) {
        const samples = new Map<Target, { rps: number[]; p50: number[]; p99: number[]; cpu: number[] }>();
        for (let r = 0; r < options.rounds; r++) {
          // Alternate the order each round so drift in the machine's load does not favour one server.
          const order = r % 2 === 0 ? TARGETS : [...TARGETS].reverse();
          for (const target of order) {
            const body = bodyOf(target, payload);
            const { result: m, micros } = await measureFresh(
              target,
              (port, seconds) => load(port, payload.event, body, connections, { seconds }),
              { ...options, brokerPid, quietTimeoutMs },
            );
            const s = samples.get(target) ?? { rps: [], p50: [], p99: [], cpu: [] };
            s.rps.push(m.rps);
            s.p50.push(m.p50);
            s.p99.push(m.p99);
            if (micros !== undefined) s.cpu.push(micros);
            samples.set(target, s);
          }
        }
        for (const [target, s] of samples) {
          rows.push({
            payload: payload.name,
            connections,
            target,
            rps: summarize(s.rps),
            p50: summarize(s.p50),
            p99: summarize(s.p99),
            cpuMicros: s.cpu.length > 0 ? summarize(s.cpu) : undefined,
          });
          process.stderr.write(
            `ingestion ${payload.name} c=${connections} ${target}: ${round(summarize(s.rps).median, 0)} req/s\n`,
          );
        }
      }
    }
    return rows;
  } finally {
    await channel.deleteQueue(queue).catch(() => undefined);
    await channel.deleteExchange(exchange).catch(() => undefined);
    await broker.close();
  }
}
