import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repositoryFullName, type WebhookPayload } from '@github-webhooks/events';
import { connect } from 'amqplib';
import { runBenchChild } from './child-run';
import { republishPayloads } from './payloads';
import { cpuMicrosPer, localBrokerPid } from './process-cpu';
import type { Measured, RepublishRun } from './republish-child';
import { type Summary, summarize } from './stats';

const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/** One run as measured: its rate and CPU per message, and the local broker's CPU per message. */
interface RunMeasured extends Measured {
  readonly brokerMicros: number | undefined;
}

/** One run in a child process (republishChild), the local broker's CPU counted across it. */
async function measure(run: RepublishRun, dir: string, brokerPid: number | undefined): Promise<RunMeasured> {
  const { result, micros } = await cpuMicrosPer(
    brokerPid,
    () => runChild(run, dir),
    () => run.count,
  );
  return { ...result, brokerMicros: micros };
}

function runChild(run: RepublishRun, dir: string): Measured {
  const file = join(dir, `${run.kind}.json`);
  writeFileSync(file, JSON.stringify(run));
  return runBenchChild(`republish ${run.kind}`, 'republish-child', [file]);
}

export interface RepublishRow {
  readonly payload: string;
  readonly messages: number;
  /** serve's relay as it runs: with its publish ledger (one message per delivery). */
  readonly relay: Summary;
  /** The same without the ledger: what the ledger costs. */
  readonly relayNoLedger: Summary;
  /** (r′), the least a verifying relay must do (relayVerified): what of the gap to bare is the product's work. */
  readonly verifying: Summary;
  readonly bare: Summary;
  readonly ratio: number;
  /** relay / (r′), rates. */
  readonly ratioVerifying: number;
  /**
   * CPU (user + system) per message in µs: each side's own process, and the local broker's while
   * each side ran (undefined when the broker is not on this machine).
   */
  readonly cpuMicros: {
    readonly relay: Summary;
    readonly verifying: Summary;
    readonly bare: Summary;
    readonly brokerRelay: Summary | undefined;
    readonly brokerVerifying: Summary | undefined;
    readonly brokerBare: Summary | undefined;
  };
  /**
   * (bare + the broker's) / (relay + the broker's) CPU per message: the ratio the rates would show
   * if the two sides and the broker saturated the machine's cores (they share them here); undefined
   * without the broker's figure.
   */
  readonly cpuRatio: number | undefined;
}

const rates = (runs: readonly RunMeasured[]) => summarize(runs.map((m) => m.rate));

/** The broker's CPU per message over every run; undefined when any run could not measure it. */
const brokerOf = (runs: readonly RunMeasured[]): Summary | undefined => {
  const micros = runs.flatMap((m) => (m.brokerMicros === undefined ? [] : [m.brokerMicros]));
  return micros.length === runs.length && micros.length > 0 ? summarize(micros) : undefined;
};

function rowOf(
  payload: string,
  messages: number,
  runs: Record<'relay' | 'relayNoLedger' | 'verifying' | 'bare', readonly RunMeasured[]>,
): RepublishRow {
  const cpuMicros = {
    relay: summarize(runs.relay.map((m) => m.cpuMicros)),
    verifying: summarize(runs.verifying.map((m) => m.cpuMicros)),
    bare: summarize(runs.bare.map((m) => m.cpuMicros)),
    brokerRelay: brokerOf(runs.relay),
    brokerVerifying: brokerOf(runs.verifying),
    brokerBare: brokerOf(runs.bare),
  };
  const relay = rates(runs.relay);
  const bare = rates(runs.bare);
  const verifying = rates(runs.verifying);
  return {
    payload,
    messages,
    relay,
    relayNoLedger: rates(runs.relayNoLedger),
    verifying,
    bare,
    ratio: relay.median / bare.median,
    ratioVerifying: relay.median / verifying.median,
    cpuMicros,
    cpuRatio:
      cpuMicros.brokerRelay === undefined || cpuMicros.brokerBare === undefined
        ? undefined
        : (cpuMicros.bare.median + cpuMicros.brokerBare.median) /
          (cpuMicros.relay.median + cpuMicros.brokerRelay.median),
  };
}

/**
 * Both sides publish into the same durable exchange with one durable queue bound (kept short), so
 * the broker does the work Pulse does, each run in a process of its own (republishChild). `serve`
 * keeps every payload inline in its record, 1 MiB ones included, so the relay publishes the text the
 * record holds.
 */
export async function benchRepublish(options: { rounds: number; scale: number }): Promise<RepublishRow[]> {
  const exchange = `bench/republish-${process.pid}`;
  const queue = `bench-republish-${process.pid}`;
  const connection = await connect(AMQP_URL, { noDelay: true });
  const channel = await connection.createChannel();
  await channel.assertExchange(exchange, 'topic', { durable: true });
  await channel.assertQueue(queue, { durable: true, arguments: { 'x-max-length': 2000 } });
  await channel.bindQueue(queue, exchange, '#');
  const rows: RepublishRow[] = [];
  const brokerPid = localBrokerPid();
  try {
    for (const payload of republishPayloads()) {
      const count = Math.max(10, Math.round((payload.body.length > 200_000 ? 300 : 6000) * options.scale));
      const payloadText = payload.body.toString();
      const dir = mkdtempSync(join(tmpdir(), 'gw-bench-republish-'));
      const payloadFile = join(dir, 'payload.json');
      writeFileSync(payloadFile, payloadText);
      const repository = repositoryFullName(JSON.parse(payloadText) as WebhookPayload) ?? '';
      // Each run starts with an empty queue, so none inherits another's backlog in the broker.
      const run = (kind: RepublishRun['kind']) =>
        channel
          .purgeQueue(queue)
          .then(() =>
            measure({ kind, exchange, event: payload.event, repository, payloadFile, count }, dir, brokerPid),
          );
      const relay: RunMeasured[] = [];
      const relayNoLedger: RunMeasured[] = [];
      const verifying: RunMeasured[] = [];
      const bare: RunMeasured[] = [];
      for (let r = 0; r < options.rounds; r++) {
        const runs = [
          async () => relay.push(await run('relay')),
          async () => relayNoLedger.push(await run('relay-no-ledger')),
          async () => verifying.push(await run('verifying')),
          async () => bare.push(await run('bare')),
        ];
        for (const next of r % 2 === 0 ? runs : runs.reverse()) await next();
      }
      rmSync(dir, { recursive: true, force: true });
      const row = rowOf(payload.name, count, { relay, relayNoLedger, verifying, bare });
      rows.push(row);
      process.stderr.write(
        `republish ${payload.name}: relay ${row.relay.median.toFixed(0)}/s (no ledger ${row.relayNoLedger.median.toFixed(0)}/s), (r′) ${row.verifying.median.toFixed(0)}/s, bare ${row.bare.median.toFixed(0)}/s\n`,
      );
    }
  } finally {
    await channel.deleteQueue(queue);
    await channel.deleteExchange(exchange);
    await connection.close();
  }
  return rows;
}
