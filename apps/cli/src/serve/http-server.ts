import { createServer, type Server } from 'node:http';
import {
  DEFAULT_SLOW_BODY_RULE,
  type IngestionMetrics,
  type Logger,
  nodeListener,
  type RequestHandler,
  type SlowBodyRule,
  writeResponse,
} from '@github-webhooks/ingestion';
import { JsonLogger, noMetrics } from '@github-webhooks/runtime';
import { type HealthReport, healthFor } from './health-view';

export type { HealthReport } from './health-view';

/** What bounds what one client, or many, can take of the server. */
export interface ServerLimits {
  readonly maxBodyBytes: number;
  /** Body bytes being read at once, over all requests (those arrived, not those declared). */
  readonly maxBodyBytesInFlight: number;
  /** A body arriving slower than this is ended (408), long before the request timeout. Default: ingestion's. */
  readonly slowBody?: SlowBodyRule;
  /** The whole request, headers and body, must arrive within this. */
  readonly requestTimeoutMs: number;
  /** The headers must arrive within this (a client trickling them holds no socket for long). */
  readonly headersTimeoutMs: number;
  /** Connections open at once; more are refused. */
  readonly maxConnections: number;
}

export interface WebhookServerOptions extends ServerLimits {
  /** The same platform-neutral handler the Lambda runs behind its API Gateway adapter. */
  readonly handle: RequestHandler;
  readonly health: () => HealthReport;
  readonly onError: (error: unknown) => void;
  /** Where a slow body ended is logged (default: stdout) and counted (default: nowhere). */
  readonly logger?: Logger;
  readonly metrics?: IngestionMetrics;
}

/**
 * The local server: ingestion's node:http adapter for the webhook, so locally and in AWS the same
 * code answers GitHub, and `GET /healthz` reporting each part's state (to a caller on loopback; to
 * others only whether all is well), answered without reading anything more. Timeouts and a
 * connection limit keep slow or many clients from holding it.
 */
export function createWebhookServer(options: WebhookServerOptions): Server {
  const webhook = nodeListener(options.handle, {
    maxBodyBytes: options.maxBodyBytes,
    maxBodyBytesInFlight: options.maxBodyBytesInFlight,
    slowBody: options.slowBody ?? DEFAULT_SLOW_BODY_RULE,
    onError: options.onError,
    logger: options.logger ?? new JsonLogger('github-webhooks'),
    metrics: options.metrics ?? noMetrics,
  });
  const server = createServer(
    {
      requestTimeout: options.requestTimeoutMs,
      headersTimeout: options.headersTimeoutMs,
      keepAliveTimeout: 5_000,
      // Node checks those timeouts every 30 s by default: too coarse for a 10 s headers timeout.
      connectionsCheckingInterval: Math.min(1_000, options.headersTimeoutMs),
    },
    (req, res) => {
      if (req.method === 'GET' && req.url === '/healthz') {
        const report = options.health();
        return writeResponse(res, {
          status: report.ok ? 200 : 503,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(healthFor(report, req.socket.remoteAddress)),
        });
      }
      webhook(req, res);
    },
  );
  server.maxConnections = options.maxConnections;
  return server;
}
