import type { HttpRequest } from '@github-webhooks/events';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { IngestResponse } from './ingest';

export const WEBHOOK_PATH = '/webhook';

type Ingest = (request: HttpRequest) => Promise<IngestResponse>;

/**
 * The HTTP face of ingestion for an API Gateway HTTP API (payload format 2.0) event. The local
 * server converts its requests to the same event, so both run exactly this code.
 */
export function createHttpHandler(
  ingest: Ingest,
): (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2> {
  return async (event) => {
    const path = routePath(event);
    if (path !== WEBHOOK_PATH)
      return respond({ status: 404, body: { error: 'not_found', message: 'no such route' } });
    if (event.requestContext.http.method !== 'POST') {
      return respond(
        { status: 405, body: { error: 'method_not_allowed', message: 'use POST' } },
        { allow: 'POST' },
      );
    }
    return respond(
      await ingest({ headers: event.headers, body: event.body, isBase64Encoded: event.isBase64Encoded }),
    );
  };
}

/** The path without a named stage's prefix (`/prod/webhook` -> `/webhook`). */
function routePath(event: APIGatewayProxyEventV2): string {
  const { stage } = event.requestContext;
  const prefix = stage && stage !== '$default' ? `/${stage}` : '';
  const path = event.rawPath.startsWith(`${prefix}/`) ? event.rawPath.slice(prefix.length) : event.rawPath;
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

function respond(
  response: IngestResponse,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: response.status,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(response.body),
  };
}
