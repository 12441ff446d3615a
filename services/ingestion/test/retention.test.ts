import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { exampleOf, signedRequest } from '@github-webhooks/fixtures';
import { createIngest, createRequestHandler, nodeListener, type RequestHandler } from '../src';
import { fakeDeps } from './support/fakes';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Whether `ref`'s target is collected within a few full collections (a WeakRef holds it until the job ends). */
async function collected(ref: WeakRef<object>): Promise<boolean> {
  for (let i = 0; i < 5 && ref.deref() !== undefined; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
  return ref.deref() === undefined;
}

const push = exampleOf('push', (e) => (e.payload.repository as { private: boolean }).private === false);

describe('what a request holds while its delivery is written', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  // A body kept through the archive's sync outlives the young generation's collections: at
  // thousands of deliveries a second, `serve` then ran mark-compacts and held ~50 MB more.
  it('lets the body, and the delivery that holds it, go while the archive write waits', async () => {
    let appended: () => void = () => undefined;
    const appending = new Promise<void>((resolve) => {
      appended = resolve;
    });
    let release: () => void = () => undefined;
    const fakes = fakeDeps({
      archive: {
        append: () => {
          appended();
          return new Promise<void>((resolve) => {
            release = resolve;
          });
        },
      },
    });
    const inner = createRequestHandler(createIngest(fakes.deps));
    const bodies: WeakRef<object>[] = [];
    // Sees the body as the adapter read it, and keeps only a weak reference to it.
    const watched: RequestHandler = Object.assign(
      (request: Parameters<RequestHandler>[0]) => {
        bodies.push(new WeakRef(request.body as object));
        return inner(request);
      },
      { precheck: inner.precheck },
    );
    server = createServer(
      nodeListener(watched, {
        maxBodyBytes: 1024 * 1024,
        maxBodyBytesInFlight: 4 * 1024 * 1024,
        slowBody: { graceMs: 2_000, minBytesPerSecond: 1024, maxIdleMs: 5_000 },
        onError: (error) => {
          throw error;
        },
        logger: fakes.logger,
        metrics: fakes.metrics,
      }),
    );
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const request = signedRequest({ event: 'push', payload: push.payload });
    const response = fetch(`http://127.0.0.1:${port}/webhook`, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.timeout(10_000),
    });
    let gone: boolean;
    try {
      await appending;
      gone = await collected(bodies[0] as WeakRef<object>);
    } finally {
      release();
    }
    expect(bodies).toHaveLength(1);
    expect(gone).toBe(true);
    const answer = await response;
    expect(answer.status).toBe(202);
    expect(await answer.json()).toEqual({ ok: true, delivery_id: request.id, public: true });
  });
});
