import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { benchPayloads } from './payloads';
import { SECRET, type ServerKind } from './servers';
import { round, type Summary, summarize } from './stats';

export interface IngestionRow {
  readonly payload: string;
  readonly connections: number;
  readonly server: ServerKind;
  readonly rps: Summary;
  readonly p50: Summary;
  readonly p99: Summary;
}

const KINDS: readonly ServerKind[] = ['bare', 'minimal', 'octokit', 'serve'];

async function startServer(kind: ServerKind): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, [process.argv[1] ?? '', 'server', kind], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk) => {
      out += chunk;
      const match = /ready (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
  return { port, child };
}

async function load(port: number, event: string, body: Buffer, connections: number, seconds: number) {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/webhook`,
    method: 'POST',
    connections,
    duration: seconds,
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
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

/**
 * Requests per second and latency of `serve` against the three baselines, all as separate
 * processes on loopback, in alternating order over several rounds.
 */
export async function benchIngestion(options: { rounds: number; seconds: number }): Promise<IngestionRow[]> {
  const servers = new Map<ServerKind, { port: number; child: ChildProcess }>();
  for (const kind of KINDS) servers.set(kind, await startServer(kind));
  try {
    const rows: IngestionRow[] = [];
    for (const payload of benchPayloads()) {
      const combos = payload.body.length > 100_000 ? [10] : [10, 50];
      for (const connections of combos) {
        const samples = new Map<ServerKind, { rps: number[]; p50: number[]; p99: number[] }>();
        for (let r = 0; r < options.rounds; r++) {
          // Alternate the order each round so drift in the machine's load does not favour one server.
          const order = r % 2 === 0 ? KINDS : [...KINDS].reverse();
          for (const kind of order) {
            const server = servers.get(kind);
            if (!server) continue;
            const m = await load(server.port, payload.event, payload.body, connections, options.seconds);
            const s = samples.get(kind) ?? { rps: [], p50: [], p99: [] };
            s.rps.push(m.rps);
            s.p50.push(m.p50);
            s.p99.push(m.p99);
            samples.set(kind, s);
          }
        }
        for (const [kind, s] of samples) {
          rows.push({
            payload: payload.name,
            connections,
            server: kind,
            rps: summarize(s.rps),
            p50: summarize(s.p50),
            p99: summarize(s.p99),
          });
          process.stderr.write(
            `ingestion ${payload.name} c=${connections} ${kind}: ${round(summarize(s.rps).median, 0)} req/s\n`,
          );
        }
      }
    }
    return rows;
  } finally {
    for (const { child } of servers.values()) child.kill('SIGTERM');
  }
}
