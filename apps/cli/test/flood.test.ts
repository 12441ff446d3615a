import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeExchanges, waitFor } from '@github-webhooks/fixtures';
import { MIB, peakRssMib, requestHead, timed, watchDeliveriesUntil } from './support/attack';
import { serveTestEnv, startServingAnyPort } from './support/serve-process';

const EXCHANGE = `test/flood-${process.pid}/v1`;

// serve in a process of its own (the built command), the flood from this one, on loopback.

let dir: string;
let child: ChildProcess;
let port: number;
const sockets: Socket[] = [];
/** Answered without `connection: close`: an upload read to its end stays open, kept alive (5 s), like any. */
const keptAlive = new Set<Socket>();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gw-flood-'));
  const serving = await startServingAnyPort(
    [
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--compact-every',
      '0',
      '--request-timeout',
      '4',
      '--headers-timeout',
      '2',
    ],
    serveTestEnv(dir, EXCHANGE),
    'pipe',
  );
  child = serving.child;
  port = serving.port;
  expect(port).toBeGreaterThan(0);
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  await rm(dir, { recursive: true, force: true });
  await removeExchanges([EXCHANGE]);
});

function open(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.on('error', () => undefined);
    socket.once('error', reject);
    sockets.push(socket);
    socket.once('data', (head) => !/\r\nconnection: close\r\n/i.test(String(head)) && keptAlive.add(socket));
  });
}

/** An upload that declares 25 MiB and sends it at a trickle, unsigned junk: it only occupies. */
async function slowUpload(path = '/webhook'): Promise<void> {
  const socket = await open();
  socket.write(requestHead(25 * MIB, path));
  const timer = setInterval(() => socket.writable && socket.write(Buffer.alloc(16 * 1024, 0x78)), 50);
  socket.on('close', () => clearInterval(timer));
}

/** An upload that sends its 25 MiB as fast as loopback takes it: memory is what it attacks. */
async function fastUpload(): Promise<void> {
  const socket = await open();
  socket.write(requestHead(25 * MIB));
  const chunk = Buffer.alloc(MIB, 0x78);
  let sent = 0;
  const pump = () => {
    while (sent < 25 && socket.writable) {
      sent++;
      if (!socket.write(chunk)) return void socket.once('drain', pump);
    }
  };
  pump();
}

/** Headers that never end (slowloris). */
async function slowHeaders(): Promise<void> {
  const socket = await open();
  socket.write('POST /webhook HTTP/1.1\r\nHost: x\r\n');
  const timer = setInterval(() => socket.writable && socket.write('X-Filler: 1\r\n'), 200);
  socket.on('close', () => clearInterval(timer));
}

describe('serve under a flood of unauthenticated requests', () => {
  it('still answers genuine deliveries within GitHub’s 10 s and /healthz within a second, within bounded memory', async () => {
    const flood = [
      ...Array.from({ length: 30 }, () => slowUpload()),
      ...Array.from({ length: 10 }, () => slowUpload('/not-the-webhook')),
      ...Array.from({ length: 80 }, () => slowHeaders()),
      ...Array.from({ length: 8 }, () => fastUpload()),
    ];
    await Promise.all(flood);
    const healthz: number[] = [];
    const { statuses, latencies: deliveries } = await watchDeliveriesUntil(port, 6_000, async () => {
      const health = await timed(() => fetch(`http://127.0.0.1:${port}/healthz`));
      healthz.push(health.ms);
      expect(health.value.status).toBe(200);
    });
    expect(statuses.every((s) => s === 202)).toBe(true);
    expect(deliveries.length).toBeGreaterThan(10);
    expect(Math.max(...deliveries)).toBeLessThan(10_000);
    expect(Math.max(...healthz)).toBeLessThan(1_000);
    const rssMib = await peakRssMib(child.pid);
    // 38 uploads of 25 MiB (8 sent at full speed); the body budget (128 MiB, counting what arrives
    // and a buffer of the declared length for a body that has sent 64 KiB) reads two fast ones at a
    // time and ends the rest: ~180 MiB measured, ~450 MiB without the budget.
    expect(rssMib).toBeLessThan(250);
  });

  it('has cut the slow clients by its timeouts', async () => {
    const open = () => sockets.filter((s) => !s.destroyed && s.readyState === 'open' && !keptAlive.has(s));
    // Its timeouts are checked every second: waited for (CI's load varies), then asserted.
    await waitFor('serve to cut the slow clients', () => open().length === 0, 10_000).catch(() => undefined);
    expect(open()).toEqual([]);
  });
});
