import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Duplex } from 'node:stream';
import type { RequestHandler } from '@github-webhooks/ingestion';
import { healthFor, isLoopbackAddress } from '../src/serve/health-view';
import { createWebhookServer, type HealthReport } from '../src/serve/http-server';

const DETAILS: HealthReport = {
  ok: false,
  problems: ['broker away for 90 s'],
  archive: { dir: '/srv/github-webhooks/data' },
  broker: { connected: false, last_error: 'connect ECONNREFUSED 10.0.0.7:5671' },
  reconciler: { last_error: 'orgs/acme/hooks/123456789: 404' },
  privacy_drift: { shape_mismatch: 0, unknown_action: 2, private_repository_referenced: 0 },
  counts: { DeliveriesPrivate: 17 },
};

describe('who is told /healthz’s details', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.255.3.4', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['::FFFF:127.1.2.3', true],
    ['0:0:0:0:0:0:0:1', true],
    ['10.0.0.5', false],
    ['192.168.1.20', false],
    ['203.0.113.9', false],
    ['::ffff:10.0.0.5', false],
    ['128.0.0.1', false],
    ['::2', false],
    ['fe80::1', false],
    ['', false],
    [undefined, false],
  ])('%s is loopback: %s', (address, expected) => {
    expect(isLoopbackAddress(address)).toBe(expected);
  });

  it('tells a caller that is not on loopback the status only', () => {
    expect(healthFor(DETAILS, '203.0.113.9')).toEqual({ ok: false });
    expect(healthFor({ ...DETAILS, ok: true }, '::ffff:10.0.0.5')).toEqual({ ok: true });
    expect(healthFor(DETAILS, undefined)).toEqual({ ok: false });
    expect(healthFor(DETAILS, '127.0.0.1')).toBe(DETAILS);
  });
});

describe('/healthz on the webhook port', () => {
  let server: Server;
  let port: number;
  const handle = Object.assign(async () => ({ status: 404, headers: {}, body: '' }), {
    precheck: () => undefined,
  }) as unknown as RequestHandler;

  beforeAll(async () => {
    server = createWebhookServer({
      handle,
      health: () => DETAILS,
      onError: () => undefined,
      maxBodyBytes: 1024,
      maxBodyBytesInFlight: 4096,
      requestTimeoutMs: 5_000,
      headersTimeoutMs: 5_000,
      maxConnections: 16,
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('gives the details to a caller on loopback, with 503 when not ok', async () => {
    const answer = await fetch(`http://127.0.0.1:${port}/healthz`, {
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    expect(answer.status).toBe(503);
    expect(await answer.json()).toEqual(DETAILS);
  });

  it('gives the status only to a connection from another address, whatever its headers say', async () => {
    // A connection handed to the server as it would come from the network: its peer is 203.0.113.9.
    const written: Buffer[] = [];
    const socket = new Duplex({
      read() {},
      write(chunk: Buffer, _encoding, callback) {
        written.push(chunk);
        callback();
      },
    });
    Object.assign(socket, { remoteAddress: '203.0.113.9', remotePort: 40_000, localPort: port });
    server.emit('connection', socket);
    socket.push(
      'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-For: 127.0.0.1\r\nX-Real-IP: 127.0.0.1\r\nConnection: close\r\n\r\n',
    );
    await new Promise((resolve) => socket.once('finish', resolve));
    const text = Buffer.concat(written).toString('utf8');
    expect(text).toMatch(/^HTTP\/1\.1 503 /);
    expect(text.slice(text.indexOf('\r\n\r\n') + 4)).toBe('{"ok":false}');
  });
});
