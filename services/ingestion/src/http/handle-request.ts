import type { RawHeaders } from '@github-webhooks/events';
import type { Ingest } from '../ingest';
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
  const handle = async (request: WebhookHttpRequest): Promise<HttpResponse> => {
    const target = route(request.method, request.path);
    if (target.kind === 'refused') {
      return json(target.status, { error: target.error, message: target.message }, target.headers);
    }
    const response = await ingest(request);
    return json(response.status, response.body);
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

export function json(
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): HttpResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}
