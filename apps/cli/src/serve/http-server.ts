import { createServer, type Server } from 'node:http';
import {
  type HttpResponse,
  nodeListener,
  type WebhookHttpRequest,
  writeResponse,
} from '@github-webhooks/ingestion';

export interface HealthReport {
  readonly ok: boolean;
  readonly [part: string]: unknown;
}

export interface WebhookServerOptions {
  /** The same platform-neutral handler the Lambda runs behind its API Gateway adapter. */
  readonly handle: (request: WebhookHttpRequest) => Promise<HttpResponse>;
  readonly health: () => HealthReport;
  readonly maxBodyBytes: number;
  readonly onError: (error: unknown) => void;
}

/**
 * The local server: ingestion's node:http adapter for the webhook, so locally and in AWS the same
 * code answers GitHub, and `GET /healthz` reporting each part's state.
 */
export function createWebhookServer(options: WebhookServerOptions): Server {
  const webhook = nodeListener(options.handle, {
    maxBodyBytes: options.maxBodyBytes,
    onError: options.onError,
  });
  return createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/healthz') {
      const report = options.health();
      return writeResponse(res, {
        status: report.ok ? 200 : 503,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(report),
      });
    }
    webhook(req, res);
  });
}
