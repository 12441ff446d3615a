import type { IncomingMessage, ServerResponse } from 'node:http';
import { json, type RequestHandler } from '../http/handle-request';
import type { HttpResponse } from '../http/types';

export interface NodeAdapterOptions {
  /** Bodies are read up to one byte past this, so the core answers 413; then the connection is closed. */
  readonly maxBodyBytes: number;
  /**
   * Bytes of bodies being read at once (declared lengths, or the limit for a body without one):
   * a request that would go past it is answered 503 at once, unread, so a flood of large uploads
   * cannot exhaust memory while small deliveries still get through.
   */
  readonly maxBodyBytesInFlight: number;
  /** A request the handler failed on (a defect): answered 500, reported here. */
  readonly onError: (error: unknown) => void;
}

/**
 * A node:http listener around the platform-neutral handler. What the head of a request decides
 * (route, method, content type, required headers, declared length) is answered before any of its
 * body is read; the body's bytes as read then go to the core, without re-encoding. A refused or
 * oversize request's connection is closed rather than drained.
 */
export function nodeListener(
  handle: RequestHandler,
  options: NodeAdapterOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  let inFlight = 0;
  return (req, res) => {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const declared = contentLength(req);
    if (declared === 'invalid') {
      return refuse(
        req,
        res,
        json(400, { error: 'invalid_header', message: 'invalid header content-length' }),
      );
    }
    const early = handle.precheck({ method, path, headers: req.headers, contentLength: declared });
    if (early !== undefined) return refuse(req, res, early);
    const reserved = declared ?? options.maxBodyBytes;
    if (inFlight + reserved > options.maxBodyBytesInFlight && inFlight > 0) {
      return refuse(req, res, json(503, { error: 'busy', message: 'too many uploads at once; retry' }), {
        'retry-after': '1',
      });
    }
    inFlight += reserved;
    readBody(req, options.maxBodyBytes + 1)
      .then(({ body, truncated }) =>
        handle({ method, path, headers: req.headers, body }).then((response) => ({ response, truncated })),
      )
      .then(
        ({ response, truncated }) => (truncated ? refuse(req, res, response) : writeResponse(res, response)),
        (error: unknown) => {
          options.onError(error);
          if (!res.headersSent)
            refuse(req, res, json(500, { error: 'internal_error', message: 'internal error' }));
        },
      )
      .finally(() => {
        inFlight -= reserved;
      });
  };
}

export function writeResponse(
  res: ServerResponse,
  response: HttpResponse,
  headers: Readonly<Record<string, string>> = {},
): void {
  res.writeHead(response.status, {
    ...response.headers,
    ...headers,
    'content-length': Buffer.byteLength(response.body),
  });
  res.end(response.body);
}

/** Answers and closes the connection: whatever of the body is still coming is never read. */
function refuse(
  req: IncomingMessage,
  res: ServerResponse,
  response: HttpResponse,
  headers: Readonly<Record<string, string>> = {},
): void {
  if (req.complete) {
    writeResponse(res, response, headers);
    return;
  }
  writeResponse(res, response, { ...headers, connection: 'close' });
  res.once('finish', () => req.socket.destroySoon());
}

function contentLength(req: IncomingMessage): number | undefined | 'invalid' {
  const value = req.headers['content-length'];
  if (value === undefined) return undefined;
  return /^\d{1,15}$/.test(value) ? Number(value) : 'invalid';
}

/**
 * Reads at most `limit` bytes; past it stops reading (the caller answers and closes the connection).
 * Listeners, not `for await`: leaving an async iterator early would destroy the socket unanswered.
 */
function readBody(req: IncomingMessage, limit: number): Promise<{ body: Buffer; truncated: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (truncated: boolean) => {
      req.off('data', onData).off('end', onEnd).off('error', onError);
      resolve({ body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size), truncated });
    };
    const onData = (chunk: Buffer) => {
      const part = chunk.subarray(0, limit - size);
      chunks.push(part);
      size += part.length;
      if (size >= limit) {
        req.pause();
        done(true);
      }
    };
    const onEnd = () => done(false);
    const onError = (error: Error) => {
      req.off('data', onData).off('end', onEnd);
      reject(error);
    };
    req.on('data', onData).on('end', onEnd).on('error', onError);
  });
}
