import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { apiGatewayEvent } from '@github-webhooks/ingestion';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export interface HealthReport {
  readonly ok: boolean;
  readonly [part: string]: unknown;
}

export interface WebhookServerOptions {
  /** The same handler the Lambda runs. */
  readonly handle: (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;
  readonly health: () => HealthReport;
  /** Bodies are read up to one byte past this, so the handler answers 413 without holding more. */
  readonly maxBodyBytes: number;
  readonly onError: (error: unknown) => void;
}

/**
 * A node:http server that turns each request into the API Gateway v2 event the Lambda receives,
 * so locally and in AWS the same code answers GitHub. `GET /healthz` reports each part's state.
 */
export function createWebhookServer(options: WebhookServerOptions): Server {
  return createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/healthz') {
      const report = options.health();
      return send(res, report.ok ? 200 : 503, { 'content-type': 'application/json' }, JSON.stringify(report));
    }
    handleWebhook(req, res, options).catch((error: unknown) => {
      options.onError(error);
      if (!res.headersSent)
        send(res, 500, { 'content-type': 'application/json' }, '{"error":"internal_error"}');
    });
  });
}

async function handleWebhook(
  req: IncomingMessage,
  res: ServerResponse,
  options: WebhookServerOptions,
): Promise<void> {
  const body = await readBody(req, options.maxBodyBytes + 1);
  const event = apiGatewayEvent({
    method: req.method ?? 'GET',
    path: req.url ?? '/',
    headers: req.headers,
    body,
    sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
  });
  const result = await options.handle(event);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  send(res, result.statusCode ?? 200, headers, result.body ?? '');
}

/** Reads at most `limit` bytes, then drains the rest without keeping it. */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    if (size >= limit) continue;
    const part = chunk.subarray(0, limit - size);
    chunks.push(part);
    size += part.length;
  }
  return Buffer.concat(chunks, size);
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
