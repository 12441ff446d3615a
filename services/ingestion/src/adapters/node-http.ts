import type { IncomingMessage, ServerResponse } from 'node:http';
import { json } from '../http/handle-request';
import { route } from '../http/route';
import type { HttpResponse, WebhookHttpRequest } from '../http/types';

export interface NodeAdapterOptions {
  /** Bodies are read up to one byte past this, so the core answers 413 without holding more. */
  readonly maxBodyBytes: number;
  /** A request the handler failed on (a defect): answered 500, reported here. */
  readonly onError: (error: unknown) => void;
}

/**
 * A node:http listener around the platform-neutral handler: the body's bytes as read go to the core
 * (no re-encoding); a request the route refuses is answered before its body is read.
 */
export function nodeListener(
  handle: (request: WebhookHttpRequest) => Promise<HttpResponse>,
  options: NodeAdapterOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const target = route(method, path);
    if (target.kind === 'refused') {
      writeResponse(
        res,
        json(target.status, { error: target.error, message: target.message }, target.headers),
      );
      req.resume();
      return;
    }
    readBody(req, options.maxBodyBytes + 1)
      .then((body) => handle({ method, path, headers: req.headers, body }))
      .then(
        (response) => writeResponse(res, response),
        (error: unknown) => {
          options.onError(error);
          if (!res.headersSent)
            writeResponse(res, json(500, { error: 'internal_error', message: 'internal error' }));
        },
      );
  };
}

export function writeResponse(res: ServerResponse, response: HttpResponse): void {
  res.writeHead(response.status, { ...response.headers, 'content-length': Buffer.byteLength(response.body) });
  res.end(response.body);
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
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
}
