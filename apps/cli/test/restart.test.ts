import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { readRecords } from '@github-webhooks/archive';
import { freePort, TestBroker, waitFor } from '@github-webhooks/fixtures';
import { PulseTally } from './support/pulse-tally';
import { deliverPush, privatePush, publicPush } from './support/push-delivery';
import { SERVE_BIN, serveTestEnv, startServing } from './support/serve-process';

// serve in a process of its own (the built command), killed with SIGKILL while under load.
const BIN = SERVE_BIN;

let dir: string;
let port: number;
let broker: TestBroker;
let exchange: string;
let queue: string;
let child: ChildProcess | undefined;

function startServe(): Promise<ChildProcess> {
  return startServing(
    [BIN, 'serve', '--port', String(port), '--host', '127.0.0.1', '--compact-every', '0'],
    serveTestEnv(dir, exchange),
    'inherit',
  );
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gw-restart-'));
  port = await freePort();
  broker = await TestBroker.open();
  exchange = await broker.exchange('restart');
  queue = await broker.queue([{ exchange, pattern: '#' }]);
});

afterAll(async () => {
  child?.kill('SIGKILL');
  await broker.close();
  await rm(dir, { recursive: true, force: true });
});

describe('serve, killed with SIGKILL under load and started again', () => {
  it('has archived every delivery it answered 202, and publishes every public one at least once', async () => {
    child = await startServe();
    const acknowledged = new Map<string, boolean>();
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    let killed = false;
    const sender = async (n: number) => {
      for (let i = 0; !killed; i++) {
        const isPublic = (i + n) % 2 === 0;
        const id = await deliverPush(agent, port, isPublic ? publicPush : privatePush);
        if (id !== undefined) acknowledged.set(id, isPublic);
      }
    };
    const senders = Array.from({ length: 16 }, (_, n) => sender(n));
    await waitFor('400 deliveries answered', () => acknowledged.size >= 400);
    child.kill('SIGKILL');
    await new Promise((resolve) => child?.once('exit', resolve));
    killed = true;
    await Promise.all(senders);
    agent.destroy();
    const beforeRestart = acknowledged.size;

    child = await startServe();
    const publicIds = [...acknowledged].filter(([, isPublic]) => isPublic).map(([id]) => id);
    const tally = new PulseTally(broker, queue);
    await tally.waitForAll(publicIds, 30_000);
    const { seen } = tally;
    expect(publicIds.filter((id) => !seen.has(id))).toEqual([]);
    child.kill('SIGTERM');
    await new Promise((resolve) => child?.once('exit', resolve));
    child = undefined;

    const archived = new Set<string>();
    const raw = join(dir, 'raw');
    for (const entry of await readdir(raw, { recursive: true })) {
      if (!entry.endsWith('.ndjson')) continue;
      const bytes = await readFile(join(raw, entry));
      for await (const item of readRecords(Readable.from([bytes]))) {
        if (item.kind === 'record') archived.add(item.record.delivery_id);
      }
    }
    expect([...acknowledged.keys()].filter((id) => !archived.has(id))).toEqual([]);
    // Private deliveries never reach Pulse, whatever the crash did.
    const privateIds = [...acknowledged].filter(([, isPublic]) => !isPublic).map(([id]) => id);
    expect(privateIds.filter((id) => seen.has(id))).toEqual([]);
    expect(beforeRestart).toBeGreaterThanOrEqual(400);
  });
});
