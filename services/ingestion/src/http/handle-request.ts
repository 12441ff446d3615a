import type { RawHeaders } from '@github-webhooks/events';
import type { Ingest, IngestResponse } from '../ingest';
import { route } from './route';
import type { HttpResponse, WebhookHttpRequest } from './types';

export interface RequestHead {
  readonly method: string;
  readonly path: string;
  readonly headers: RawHeaders;
  /** The declared Content-Length, when there is one. */
  readonly contentLength: number | undefined;
}

export interface RequestHandler {
  (request: WebhookHttpRequest): Promise<HttpResponse>;
  /** The answer the request's head already decides (route, headers, declared size), or undefined. */
  precheck(head: RequestHead): HttpResponse | undefined;
}

/** The HTTP face of ingestion, the same on every platform: route (404/405), then the use case. */
export function createRequestHandler(ingest: Ingest): RequestHandler {
  // Not async: an async function keeps its arguments until it returns, and this one's (the body
  // among them) would be held through every write of the delivery.
  const handle = (request: WebhookHttpRequest): Promise<HttpResponse> => {
    const target = route(request.method, request.path);
    if (target.kind === 'refused') {
      return Promise.resolve(
        json(target.status, { error: target.error, message: target.message }, target.headers),
      );
    }
    return ingest(request).then(asHttp);
  };
  const precheck = (head: RequestHead): HttpResponse | undefined => {
    const target = route(head.method, head.path);
    if (target.kind === 'refused') {
      return json(target.status, { error: target.error, message: target.message }, target.headers);
    }
    const refused = ingest.precheck(head.headers, head.contentLength);
    return refused === undefined ? undefined : json(refused.status, refused.body);
  };
  return Object.assign(handle, { precheck });
}

const asHttp = (response: IngestResponse): HttpResponse => json(response.status, response.body);

export function json(
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): HttpResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}
