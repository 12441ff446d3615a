import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { exampleOf, signedRequest } from '@github-webhooks/fixtures';
import { createIngest, createRequestHandler, nodeListener } from '../src';
import {
  type BodyDue,
  DEFAULT_SLOW_BODY_RULE,
  dueAfterRead,
  firstDue,
  isTooSlow,
  type SlowBodyRule,
  watchBodyPace,
} from '../src/adapters/slow-body';
import { fakeDeps } from './support/fakes';

/**
 * Reads at the given times (ms) and sizes, the body complete at `until`: the first time, on a 1 ms
 * grid, it is too slow (judged after the reads of that moment), or undefined.
 */
function endedAt(
  rule: SlowBodyRule,
  reads: ReadonlyArray<readonly [at: number, bytes: number]>,
  until: number,
): number | undefined {
  let due: BodyDue = firstDue(rule, 0);
  let next = 0;
  for (let now = 0; now <= until; now += 1) {
    while (next < reads.length && (reads[next]?.[0] ?? 0) <= now) {
      const [at, bytes] = reads[next++] as readonly [number, number];
      due = dueAfterRead(due, rule, at, bytes);
    }
    if (isTooSlow(due, now)) return now;
  }
  return undefined;
}

/** `bytes` at the start, then every `everyMs`. */
function trickle(everyMs: number, until: number, bytes = 1): Array<[number, number]> {
  return Array.from({ length: Math.floor(until / everyMs) }, (_, i) => [i * everyMs, bytes]);
}

describe('the slow-body rule (a pure function of reads and times)', () => {
  const rule = DEFAULT_SLOW_BODY_RULE;
  const graceAndIdle = rule.graceMs + rule.maxIdleMs;

  it('never ends a body read at once, as GitHub sends it, even a 25 MiB one', () => {
    expect(endedAt(rule, [[0, 4_000]], 0)).toBeUndefined();
    expect(endedAt(rule, trickle(1, 200, 128 * 1024), 199)).toBeUndefined();
    // Or in two parts a second apart (a lost packet): well within the grace.
    expect(
      endedAt(
        rule,
        [
          [0, 1_000],
          [1_000, 3_000],
        ],
        1_000,
      ),
    ).toBeUndefined();
  });

  it('ends a body sent 10 bytes a second within grace + idle (just after the grace)', () => {
    const at = endedAt(rule, trickle(100, 60_000), 60_000);
    expect(at).toBeGreaterThanOrEqual(rule.graceMs);
    expect(at).toBeLessThanOrEqual(graceAndIdle);
    // Ten bytes at a time, once a second: the same.
    expect(endedAt(rule, trickle(1_000, 60_000, 10), 60_000)).toBeLessThanOrEqual(graceAndIdle);
  });

  it('keeps a body arriving at the minimum rate or faster, however it spaces its writes', () => {
    expect(endedAt(rule, trickle(500, 60_000, 512), 60_000)).toBeUndefined();
    expect(endedAt(rule, trickle(4_000, 60_000, 4_096), 60_000)).toBeUndefined();
  });

  it('ends a body arriving just under the minimum rate, later but surely', () => {
    const at = endedAt(rule, trickle(1_000, 600_000, 1_000), 600_000);
    expect(at).toBeGreaterThan(graceAndIdle);
    expect(at).toBeLessThan(600_000);
  });

  it('ends a body that pauses longer than the idle limit, whatever it sent before', () => {
    // 1 MiB at once would earn 1024 s at 1 KiB/s: capped at the idle limit after that read.
    expect(endedAt(rule, [[1_000, 1024 * 1024]], 60_000)).toBe(1_000 + rule.maxIdleMs);
    expect(endedAt(rule, [...trickle(10, 1_500, 1_024), [9_000, 1_024]], 60_000)).toBe(
      1_490 + rule.maxIdleMs,
    );
  });

  it('does not shorten the grace for a large first read', () => {
    const long = { ...rule, graceMs: 10_000, maxIdleMs: 1_000 };
    expect(endedAt(long, [[0, 1024 * 1024]], 60_000)).toBe(10_000);
  });

  it('with a minimum rate of 0, ends a body only on a pause longer than the idle limit (nginx)', () => {
    const idleOnly = { ...rule, minBytesPerSecond: 0 };
    expect(endedAt(idleOnly, trickle(1_000, 60_000), 60_000)).toBeUndefined();
    expect(endedAt(idleOnly, [[1_000, 1]], 60_000)).toBe(1_000 + rule.maxIdleMs);
  });
});

describe('the slow-body watch (one timer per body, on an injected clock)', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('fires once, when the time runs out, not before', () => {
    const ended: number[] = [];
    const watch = watchBodyPace(DEFAULT_SLOW_BODY_RULE, () => ended.push(Date.now()), Date.now);
    const start = Date.now();
    for (let i = 0; i < 20; i++) {
      jest.advanceTimersByTime(100);
      watch.read(1);
    }
    expect(ended).toEqual([]);
    jest.advanceTimersByTime(DEFAULT_SLOW_BODY_RULE.maxIdleMs + 1_000);
    expect(ended).toHaveLength(1);
    expect((ended[0] ?? 0) - start).toBeLessThanOrEqual(
      DEFAULT_SLOW_BODY_RULE.graceMs + DEFAULT_SLOW_BODY_RULE.maxIdleMs,
    );
    expect(jest.getTimerCount()).toBe(0);
  });

  it('leaves no timer behind once stopped', () => {
    const watch = watchBodyPace(DEFAULT_SLOW_BODY_RULE, () => undefined, Date.now);
    watch.read(4_000);
    watch.stop();
    expect(jest.getTimerCount()).toBe(0);
  });
});

describe('the node:http adapter with slow bodies', () => {
  const RULE: SlowBodyRule = { graceMs: 300, minBytesPerSecond: 1024, maxIdleMs: 500 };
  const MAX_BODY = 64 * 1024;
  let server: Server;
  let port: number;
  let fakes: ReturnType<typeof fakeDeps>;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    fakes = fakeDeps({ maxBodyBytes: MAX_BODY });
    server = createServer(
      nodeListener(createRequestHandler(createIngest(fakes.deps)), {
        maxBodyBytes: MAX_BODY,
        // Four declared 60 KiB bodies would take it all: only bytes that arrived count.
        maxBodyBytesInFlight: 4 * 60 * 1024,
        slowBody: RULE,
        onError: (error) => {
          throw error;
        },
        logger: fakes.logger,
        metrics: fakes.metrics,
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /** Declares 60 KiB, then sends a byte each 100 ms: what serve saw and when. */
  function slowUpload() {
    const socket = connect(port, '127.0.0.1');
    sockets.push(socket);
    const request = signedRequest({ event: 'push', body: 'x' });
    const headers = { ...request.headers, 'Content-Length': String(60 * 1024) };
    const started = performance.now();
    socket.write(
      `POST /webhook HTTP/1.1\r\nHost: x\r\n${Object.entries(headers)
        .map(([k, v]) => `${k}: ${v}`)
        .join('\r\n')}\r\n\r\n`,
    );
    const timer = setInterval(() => socket.writable && socket.write('x'), 100);
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk;
    });
    socket.on('error', () => undefined);
    return new Promise<{ answer: string; ms: number }>((resolve) =>
      socket.on('close', () => {
        clearInterval(timer);
        resolve({ answer, ms: performance.now() - started });
      }),
    );
  }

  it('answers slow bodies 408 and closes them within grace + idle, while a delivery gets through', async () => {
    const uploads = Array.from({ length: 4 }, () => slowUpload());
    await new Promise((r) => setTimeout(r, 100));
    const push = exampleOf('push');
    const request = signedRequest({ event: 'push', payload: push.payload });
    const delivered = await fetch(`http://127.0.0.1:${port}/webhook`, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
    });
    expect(delivered.status).toBe(202);

    const ended = await Promise.all(uploads);
    for (const { answer, ms } of ended) {
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
      expect(answer).toMatch(/connection: close/i);
      expect(answer).toContain('"error":"slow_body"');
      expect(ms).toBeLessThan(RULE.graceMs + RULE.maxIdleMs + 200);
    }
    const logged = fakes.logger.lines.filter((r) => r.message === 'slow body ended');
    expect(logged).toHaveLength(4);
    expect(logged[0]?.fields).toMatchObject({
      remote_address: '127.0.0.1',
      declared_bytes: 60 * 1024,
      received_bytes: expect.any(Number),
    });
    expect(fakes.metrics.get('RejectedSlowBody')).toBe(4);
  });
});
