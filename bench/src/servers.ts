import { createHmac, timingSafeEqual } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdtemp, open } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readServeConfig, startStack } from '@github-webhooks/cli';
import { JsonLogger } from '@github-webhooks/runtime';
import { createNodeMiddleware, Webhooks } from '@octokit/webhooks';
import { connect } from 'amqplib';
import { BatchConfirmPublisher } from './batch-confirm-publisher';
import { recordLineOf } from './record-line';
import { SyncedLog } from './synced-log';

export const SECRET = 'bench-secret';
/** The v1 exchange the benchmarked `serve` publishes to, named by the parent (which binds a consumer queue). */
export const serveExchange = (parentPid: number): string => `bench/${parentPid}-serve/v1`;
export type ServerKind =
  | 'bare'
  | 'minimal'
  | 'durable'
  | 'durable-record'
  | 'durable-public'
  | 'octokit'
  | 'serve';
const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/**
 * A directory for one server's files, removed when its process exits (the bench ends each server
 * with SIGTERM, which exits): a full run writes gigabytes there.
 */
async function scratchDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The least signature check: HMAC-SHA256 of the body with the one secret, compared in constant time. */
function signedBy(req: IncomingMessage, body: Buffer): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`);
  const given = Buffer.from(String(req.headers['x-hub-signature-256']));
  return given.length === expected.length && timingSafeEqual(given, expected);
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
      if (!signedBy(req, body)) return res.writeHead(401).end();
      JSON.parse(body.toString('utf8'));
      res.writeHead(202).end();
    });
  });
}

/**
 * (b′) The necessary work of a server that loses nothing: (b), then the body appended to one file
 * on the same disk with a group-committed fdatasync, answering 202 only after the sync.
 */
async function durable(): Promise<Server> {
  const dir = await scratchDir('gw-bench-durable-');
  const log = new SyncedLog(await open(join(dir, 'log.ndjson'), 'a'));
  const newline = Buffer.from('\n');
  return createServer((req, res) => {
    readBody(req).then(async (body) => {
      if (!signedBy(req, body)) return res.writeHead(401).end();
      JSON.parse(body.toString('utf8'));
      await log.append(Buffer.concat([body, newline]));
      res.writeHead(202).end();
    });
  });
}

/**
 * (b‴) The necessary work of a server that archives what it loses nothing of, so that the archive
 * can be deduplicated and verified: (b′), with the record (b′) lacks written in place of the bare
 * body: its head (GUID, event, hook, time, visibility, repository, the payload's SHA-256) and the
 * payload as received, one line (recordLineOf).
 */
async function durableRecord(): Promise<Server> {
  const dir = await scratchDir('gw-bench-durable-record-');
  const log = new SyncedLog(await open(join(dir, 'log.ndjson'), 'a'));
  return createServer((req, res) => {
    readBody(req).then(async (body) => {
      if (!signedBy(req, body)) return res.writeHead(401).end();
      const payload = JSON.parse(body.toString('utf8'));
      await log.append(Buffer.concat(recordLineOf(req.headers, body, payload, new Date())));
      res.writeHead(202).end();
    });
  });
}

/**
 * (b″) The least a durable public path must do: (b′), then every record published to RabbitMQ from
 * the same process on one confirm channel, in batches, after the sync (the 202 does not wait for
 * the broker, as serve's does not).
 */
async function durablePublic(): Promise<Server> {
  const dir = await scratchDir('gw-bench-durable-public-');
  const log = new SyncedLog(await open(join(dir, 'log.ndjson'), 'a'));
  const connection = await connect(AMQP_URL, { noDelay: true });
  const channel = await connection.createConfirmChannel();
  const publisher = new BatchConfirmPublisher(channel, serveExchange(process.ppid));
  const newline = Buffer.from('\n');
  return createServer((req, res) => {
    readBody(req).then(async (body) => {
      if (!signedBy(req, body)) return res.writeHead(401).end();
      const payload = JSON.parse(body.toString('utf8')) as { repository?: { full_name?: string } };
      await log.append(Buffer.concat([body, newline]));
      res.writeHead(202).end();
      publisher.enqueue(`${payload.repository?.full_name}/${req.headers['x-github-event']}`, body);
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
    const dir = await scratchDir('gw-bench-serve-');
    const config = readServeConfig(
      {
        'dashboard-port': 'off',
        port: '0',
        host: '127.0.0.1',
        archive: dir,
        exchange: serveExchange(process.ppid),
        'exchange-dotted': 'off',
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
  const server =
    kind === 'durable'
      ? await durable()
      : kind === 'durable-record'
        ? await durableRecord()
        : kind === 'durable-public'
          ? await durablePublic()
          : { bare, minimal, octokit }[kind]();
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () =>
    process.stdout.write(`ready ${(server.address() as AddressInfo).port}\n`),
  );
  process.once('SIGTERM', () => server.close(() => process.exit(0)));
}
