import type { IncomingMessage, ServerResponse } from 'node:http';
import { json, type RequestHandler } from '../http/handle-request';
import type { HttpResponse, WebhookHttpRequest } from '../http/types';
import type { IngestionMetrics, Logger } from '../ports';
import { BodyBudget } from './body-budget';
import { type BodyRead, readBody } from './read-body';
import type { SlowBodyRule } from './slow-body';

export interface NodeAdapterOptions {
  /** Bodies are read up to one byte past this, so the core answers 413; then the connection is closed. */
  readonly maxBodyBytes: number;
  /**
   * Bytes of bodies held at once, counted as they arrive (never the declared lengths): past it,
   * the request holding the most is answered 503 and closed, so a flood of large uploads cannot
   * exhaust memory while small deliveries still get through.
   */
  readonly maxBodyBytesInFlight: number;
  /** A body arriving slower than this is answered 408 and its connection closed. */
  readonly slowBody: SlowBodyRule;
  /** A request the handler failed on (a defect): answered 500, reported here. */
  readonly onError: (error: unknown) => void;
  /** Told of each slow body ended (once, with the address it came from). */
  readonly logger: Logger;
  /** Counts `RejectedSlowBody`. */
  readonly metrics: IngestionMetrics;
}

/**
 * A node:http listener around the platform-neutral handler. What the head of a request decides
 * (route, method, content type, required headers, declared length) is answered before any of its
 * body is read; the body's bytes as read then go to the core, without re-encoding. A refused,
 * oversize, too slow or crowded-out request's connection is closed rather than drained.
 */
export function nodeListener(
  handle: RequestHandler,
  options: NodeAdapterOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  const budget = new BodyBudget(options.maxBodyBytesInFlight);
  /** Answers a request whose body was read (or given up on); a promise while the handler works. */
  const answer = (
    req: IncomingMessage,
    res: ServerResponse,
    declared: number | undefined,
    read: BodyRead,
  ): Promise<void> | undefined => {
    switch (read.kind) {
      case 'aborted':
        return undefined;
      case 'busy':
        refuse(req, res, json(503, { error: 'busy', message: 'too many uploads at once; retry' }), {
          'retry-after': '1',
        });
        return undefined;
      case 'too_slow':
        options.logger.warn('slow body ended', {
          remote_address: req.socket.remoteAddress,
          remote_port: req.socket.remotePort,
          declared_bytes: declared,
          received_bytes: read.receivedBytes,
          elapsed_ms: Math.round(read.elapsedMs),
        });
        options.metrics.count('RejectedSlowBody');
        refuse(req, res, json(408, { error: 'slow_body', message: 'request body arrived too slowly' }));
        return undefined;
      default: {
        const tooLarge = read.kind === 'too_large';
        const send = (response: HttpResponse) =>
          tooLarge ? refuse(req, res, response) : writeResponse(res, response);
        const request = {
          method: req.method ?? 'GET',
          path: req.url ?? '/',
          headers: req.headers,
          body: read.body,
        };
        return finish(send, read.release, settled(handle, request));
      }
    }
  };
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
    // A declared length over the maximum is refused here (413), unread.
    const early = handle.precheck({ method, path, headers: req.headers, contentLength: declared });
    if (early !== undefined) return refuse(req, res, early);
    readBody(req, { limit: options.maxBodyBytes + 1, declared, budget, slowBody: options.slowBody })
      .then((read) => answer(req, res, declared, read))
      .catch((error: unknown) => {
        options.onError(error);
        if (!res.headersSent)
          refuse(req, res, json(500, { error: 'internal_error', message: 'internal error' }));
      });
  };
}

/** The handler's promise; a synchronous throw becomes its rejection. */
function settled(handle: RequestHandler, request: WebhookHttpRequest): Promise<HttpResponse> {
  try {
    return handle(request);
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * Sends the handler's answer once it is ready, then gives the body's bytes back to the budget.
 * Given the handler's promise, not the request: an async function keeps its arguments until it
 * returns, and a body held through the archive's sync outlives the young generation's collections.
 */
async function finish(
  send: (response: HttpResponse) => void,
  release: () => void,
  pending: Promise<HttpResponse>,
): Promise<void> {
  try {
    send(await pending);
  } finally {
    release();
  }
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
