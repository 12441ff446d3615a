import type { APIGatewayProxyEventV2 } from 'aws-lambda';

export interface PlainRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly body: Buffer;
  readonly requestId?: string;
  readonly sourceIp?: string;
  readonly now?: Date;
}

/**
 * The API Gateway HTTP API (payload 2.0) event for a plain HTTP request, as API Gateway builds it:
 * lower-case header names, repeated headers joined by commas, the body base64-encoded.
 */
export function apiGatewayEvent(request: PlainRequest): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined)
      headers[name.toLowerCase()] = typeof value === 'string' ? value : value.join(',');
  }
  const now = request.now ?? new Date();
  const [rawPath = '/', rawQueryString = ''] = request.path.split('?', 2);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    headers,
    isBase64Encoded: true,
    body: request.body.toString('base64'),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: request.method.toUpperCase(),
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: request.requestId ?? 'local',
      routeKey: '$default',
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
  };
}
