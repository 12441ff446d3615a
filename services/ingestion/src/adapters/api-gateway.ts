import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { HttpResponse, WebhookHttpRequest } from '../http/types';

/**
 * An API Gateway HTTP API (payload format 2.0) event as the platform-neutral request: the body as
 * API Gateway gives it (base64 for binary media, decoded by the core after its size check), the
 * path without a named stage's prefix (`/prod/webhook` → `/webhook`).
 */
export function fromApiGateway(event: APIGatewayProxyEventV2): WebhookHttpRequest {
  return {
    method: event.requestContext.http.method,
    path: stripStage(event.rawPath, event.requestContext.stage),
    headers: event.headers,
    body: event.body,
    isBase64Encoded: event.isBase64Encoded,
  };
}

export function toApiGateway(response: HttpResponse): APIGatewayProxyStructuredResultV2 {
  return { statusCode: response.status, headers: { ...response.headers }, body: response.body };
}

/** The Lambda handler around a platform-neutral one. */
export function apiGatewayHandler(
  handle: (request: WebhookHttpRequest) => Promise<HttpResponse>,
): (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2> {
  return async (event) => toApiGateway(await handle(fromApiGateway(event)));
}

function stripStage(rawPath: string, stage: string): string {
  const prefix = stage && stage !== '$default' ? `/${stage}` : '';
  return prefix !== '' && rawPath.startsWith(`${prefix}/`) ? rawPath.slice(prefix.length) : rawPath;
}
