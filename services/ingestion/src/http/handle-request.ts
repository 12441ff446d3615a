import type { IngestResponse } from '../ingest';
import { route } from './route';
import type { HttpResponse, WebhookHttpRequest } from './types';

type Ingest = (request: WebhookHttpRequest) => Promise<IngestResponse>;

/** The HTTP face of ingestion, the same on every platform: route (404/405), then the use case. */
export function createRequestHandler(ingest: Ingest): (request: WebhookHttpRequest) => Promise<HttpResponse> {
  return async (request) => {
    const target = route(request.method, request.path);
    if (target.kind === 'refused') {
      return json(target.status, { error: target.error, message: target.message }, target.headers);
    }
    const response = await ingest(request);
    return json(response.status, response.body);
  };
}

export function json(
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): HttpResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}
