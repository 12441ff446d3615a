import type { HttpRequest } from '@github-webhooks/events';

/** A request as any platform hands it over: the core never sees API Gateway or node:http. */
export interface WebhookHttpRequest extends HttpRequest {
  readonly method: string;
  /** The path the route is matched on (a platform adapter strips what is not part of it). */
  readonly path: string;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** JSON text. */
  readonly body: string;
}
