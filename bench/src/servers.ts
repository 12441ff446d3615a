import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readServeConfig, startStack } from '@github-webhooks/cli';
import { JsonLogger } from '@github-webhooks/runtime';
import { createNodeMiddleware, Webhooks } from '@octokit/webhooks';

export const SECRET = 'bench-secret';
export type ServerKind = 'bare' | 'minimal' | 'octokit' | 'serve';

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** (a) The floor: read the body, answer 202. */
function bare(): Server {
  return createServer((req, res) => {
    readBody(req).then(() => {
      res.writeHead(202).end();
    });
  });
}

/** (b) The necessary work and nothing else: HMAC-SHA256 over the body and JSON.parse. */
function minimal(): Server {
  return createServer((req, res) => {
    readBody(req).then((body) => {
      const expected = Buffer.from(`sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`);
      const given = Buffer.from(String(req.headers['x-hub-signature-256']));
      if (given.length !== expected.length || !timingSafeEqual(given, expected))
        return res.writeHead(401).end();
      JSON.parse(body.toString('utf8'));
      res.writeHead(202).end();
    });
  });
}

/** (c) @octokit/webhooks' own Node middleware. */
function octokit(): Server {
  const webhooks = new Webhooks({ secret: SECRET });
  webhooks.onAny(() => undefined);
  return createServer(createNodeMiddleware(webhooks, { path: '/webhook' }));
}

/** Runs one server in this process and prints `ready <port>` for the parent. */
export async function runServer(kind: ServerKind): Promise<void> {
  if (kind === 'serve') {
    const dir = await mkdtemp(join(tmpdir(), 'gw-bench-serve-'));
    const config = readServeConfig(
      {
        port: '0',
        host: '127.0.0.1',
        archive: dir,
        exchange: `bench/${process.pid}/v1`,
        'exchange-v2': 'off',
        'compact-every': '0',
      },
      { WEBHOOK_SECRETS: SECRET, AMQP_URL: process.env.AMQP_URL },
    );
    const stack = await startStack(
      config,
      new JsonLogger('bench', { out: process.stderr, minLevel: 'warn' }),
    );
    process.stdout.write(`ready ${stack.port}\n`);
    process.once('SIGTERM', () => stack.close().then(() => process.exit(0)));
    return;
  }
  const server = { bare, minimal, octokit }[kind]();
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () =>
    process.stdout.write(`ready ${(server.address() as AddressInfo).port}\n`),
  );
  process.once('SIGTERM', () => server.close(() => process.exit(0)));
}
