import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeExchanges, waitFor } from '@github-webhooks/fixtures';
import { MIB, peakRssMib, requestHead, watchDeliveriesUntil } from './support/attack';
import { type ServingProcess, serveTestEnv, startServingAnyPort } from './support/serve-process';

const EXCHANGE = `test/slow-${process.pid}/v1`;

// serve in a process of its own (the built command), with its default settings; the slow uploads
// and the genuine deliveries from this one, on loopback.
const SLOW_UPLOADS = 200;
/** serve's defaults (serve-config.ts): BODY_GRACE_SECONDS and BODY_IDLE_SECONDS. */
const DEFAULT_GRACE_MS = 2_000;
const DEFAULT_IDLE_MS = 5_000;
const ATTACK_MS = 12_000;

let dir: string;
let child: ChildProcess;
let port: number;
let serving: ServingProcess;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gw-slow-'));
  serving = await startServingAnyPort(
    ['--port', '0', '--host', '127.0.0.1', '--compact-every', '0'],
    serveTestEnv(dir, EXCHANGE),
  );
  child = serving.child;
  port = serving.port;
  expect(port).toBeGreaterThan(0);
});

afterAll(async () => {
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  await rm(dir, { recursive: true, force: true });
  await removeExchanges([EXCHANGE]);
});

/** One slow upload's connection, as the attacker saw it. */
interface Upload {
  readonly socket: Socket;
  readonly startedAt: number;
  endedAt?: number;
  /** The status serve answered with, if it answered before closing. */
  status?: number;
}

/**
 * 200 clients that each declare a 1 MiB body with well-formed headers, then send it a byte every
 * 100 ms (10 bytes a second); whenever serve ends one, it comes back (the attack renews itself).
 */
function slowUploads(count: number) {
  const uploads: Upload[] = [];
  let running = true;
  const head = requestHead(MIB);
  const start = () => {
    const socket = connect(port, '127.0.0.1');
    const upload: Upload = { socket, startedAt: performance.now() };
    uploads.push(upload);
    socket.on('connect', () => socket.write(head));
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      upload.status ??= Number(/^HTTP\/1\.1 (\d{3})/.exec(chunk.toString('latin1'))?.[1]);
    });
    socket.on('close', () => {
      upload.endedAt = performance.now();
      if (running) setTimeout(start, 100);
    });
  };
  for (let i = 0; i < count; i++) start();
  // One timer for all of them: a byte each 100 ms to every one still open.
  const trickle = setInterval(() => {
    for (const { socket } of uploads) if (socket.writable && !socket.connecting) socket.write('x');
  }, 100);
  return {
    uploads,
    /** No more new ones; those still open stay open until serve ends them, or `abandon`. */
    stop: () => {
      running = false;
    },
    abandon: () => {
      clearInterval(trickle);
      for (const { socket } of uploads) socket.destroy();
    },
  };
}

describe('serve under 200 slow uploads (declared 1 MiB, 10 bytes a second)', () => {
  it('answers genuine deliveries within GitHub’s 10 s, ends each slow upload within grace + idle with 408, within bounded memory', async () => {
    const attack = slowUploads(SLOW_UPLOADS);
    try {
      const { statuses, latencies } = await watchDeliveriesUntil(port, ATTACK_MS);
      attack.stop();
      // Those still open are ended by serve too, each within grace + idle of its start.
      await waitFor(
        'serve to end every slow upload',
        () => attack.uploads.every((u) => u.endedAt !== undefined),
        DEFAULT_GRACE_MS + DEFAULT_IDLE_MS + 2_000,
      );
      const ended408 = attack.uploads.filter((u) => u.status === 408).length;
      const loggedNow = () =>
        serving
          .output()
          .split('\n')
          .filter((line) => line.includes('"slow body ended"'))
          .map((line) => JSON.parse(line) as Record<string, unknown>);
      // serve's last log lines reach its output after the answers: waited for, then asserted below.
      await waitFor('serve to log each slow upload', () => loggedNow().length >= ended408, 5_000).catch(
        () => undefined,
      );

      const rssMib = await peakRssMib(child.pid);
      const lasted = attack.uploads.map((u) => (u.endedAt ?? Number.POSITIVE_INFINITY) - u.startedAt);
      const logged = loggedNow();
      // What the issue asks for, printed to compare runs (before the fix: 503s, 30 s, renewing).
      console.log(
        JSON.stringify({
          deliveries: statuses.length,
          not_2xx: statuses.filter((s) => s < 200 || s > 299).length,
          worst_delivery_ms: Math.round(Math.max(...latencies)),
          slow_uploads_opened: attack.uploads.length,
          slow_uploads_ended_408: ended408,
          longest_slow_upload_ms: Math.round(Math.max(...lasted)),
          rss_peak_mib: Math.round(rssMib),
        }),
      );

      expect(statuses.length).toBeGreaterThan(10);
      expect(statuses.filter((s) => s < 200 || s > 299)).toEqual([]);
      expect(Math.max(...latencies)).toBeLessThan(10_000);
      // The same bound as the flood test's.
      expect(rssMib).toBeLessThan(250);
      // Each one ended by serve, answered 408, within grace + idle; so the attack had to come back
      // several times over (about every grace), rather than holding the budget for 30 s.
      expect(Math.max(...lasted)).toBeLessThanOrEqual(DEFAULT_GRACE_MS + DEFAULT_IDLE_MS);
      expect(ended408).toBe(attack.uploads.length);
      expect(attack.uploads.length).toBeGreaterThanOrEqual(3 * SLOW_UPLOADS);
      // Logged once each, with the address it came from.
      expect(logged).toHaveLength(ended408);
      expect(logged.every((record) => record.remote_address === '127.0.0.1')).toBe(true);
    } finally {
      attack.abandon();
    }
  }, 45_000);
});
