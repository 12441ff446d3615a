import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exampleOf, httpApiEvent, signedRequest } from '@github-webhooks/fixtures';
import {
  apiGatewayHandler,
  createIngest,
  createRequestHandler,
  fromApiGateway,
  nodeListener,
  route,
} from '../src';
import { fakeDeps } from './support/fakes';

describe('route', () => {
  it.each([
    ['POST', '/webhook', { kind: 'webhook' }],
    ['post', '/webhook/', { kind: 'webhook' }],
    ['POST', '/webhook?x=1', { kind: 'webhook' }],
    ['GET', '/webhook', { kind: 'refused', status: 405, headers: { allow: 'POST' } }],
    ['PUT', '/webhook', { kind: 'refused', status: 405 }],
    ['POST', '/', { kind: 'refused', status: 404 }],
    ['POST', '/webhooks', { kind: 'refused', status: 404 }],
    ['POST', '/webhook/x', { kind: 'refused', status: 404 }],
  ])('%s %s → %j', (method, path, expected) => {
    expect(route(method, path)).toMatchObject(expected);
  });
});

const push = exampleOf('push', (e) => (e.payload.repository as { private: boolean }).private === false);

describe('the API Gateway adapter', () => {
  const good = signedRequest({ event: 'push', payload: push.payload });

  it.each([true, false])('hands the core the body API Gateway sent (base64: %s)', async (base64) => {
    const fakes = fakeDeps();
    const handle = apiGatewayHandler(createRequestHandler(createIngest(fakes.deps)));
    const result = await handle(
      httpApiEvent({ method: 'POST', path: '/webhook', headers: good.headers, body: good.body, base64 }),
    );
    expect(result.statusCode).toBe(202);
    expect(JSON.parse(fakes.archive.lines[0] ?? '{}').payload).toEqual(push.payload);
  });

  it('reads method and path from the request context and drops a named stage', () => {
    const request = fromApiGateway(
      httpApiEvent({ method: 'PUT', path: '/webhook', stage: 'prod', headers: {}, body: Buffer.alloc(0) }),
    );
    expect([request.method, request.path]).toEqual(['PUT', '/webhook']);
  });
});

describe('the node:http adapter', () => {
  let server: Server;
  let url: string;
  let fakes: ReturnType<typeof fakeDeps>;
  const errors: unknown[] = [];

  beforeAll(async () => {
    fakes = fakeDeps({ maxBodyBytes: 64 * 1024 });
    server = createServer(
      nodeListener(createRequestHandler(createIngest(fakes.deps)), {
        maxBodyBytes: 64 * 1024,
        maxBodyBytesInFlight: 256 * 1024,
        slowBody: { graceMs: 2_000, minBytesPerSecond: 1024, maxIdleMs: 5_000 },
        onError: (error) => errors.push(error),
        logger: fakes.logger,
        metrics: fakes.metrics,
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('hands the bytes as read to the core and answers as the Lambda does', async () => {
    const request = signedRequest({ event: 'push', payload: push.payload });
    const response = await fetch(`${url}/webhook`, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
    });
    expect(response.status).toBe(202);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ ok: true, delivery_id: request.id, public: true });
  });

  it.each([
    ['GET', '/webhook', 405],
    ['POST', '/nowhere', 404],
  ])('answers %s %s with %i before reading a body', async (method, path, status) => {
    const response = await fetch(`${url}${path}`, {
      method,
      ...(method === 'POST' ? { body: 'x'.repeat(1000) } : {}),
    });
    expect(response.status).toBe(status);
  });

  it('answers 413 for a body over the limit', async () => {
    const request = signedRequest({ event: 'push', body: 'x'.repeat(70 * 1024) });
    const response = await fetch(`${url}/webhook`, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
    });
    expect(response.status).toBe(413);
    expect(errors).toEqual([]);
  });
});
