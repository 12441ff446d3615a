import { JsonLogger } from '@github-webhooks/runtime';
import { defineCommand } from '../command';
import { isLoopback } from '../dashboard/dashboard-config';
import { readServeConfig } from '../serve/serve-config';
import { startStack } from '../serve/start-stack';

export const serveCommand = defineCommand({
  name: 'serve',
  summary: 'run the whole pipeline: webhook endpoint, disk archive, Pulse republisher, compactor',
  help: `Usage: github-webhooks serve [options]

Runs the ingestion handler (POST /webhook), the disk archive (S3 key layout; its raw files are the
one durable log), a relay publishing the public records from it to RabbitMQ, and the compactor on
a timer. GET /healthz reports each part, the relay's lag included.

Options (environment variable in brackets, then default):
  --port N                 [PORT] 8080
  --host ADDR              [HOST] 0.0.0.0
  --secret S               [WEBHOOK_SECRETS, comma-separated] required, repeat for rotation
  --insecure-no-signature  accept unsigned deliveries (trying things out only)
  --archive DIR            [ARCHIVE_DIR] ./data
  --amqp-url URL           [AMQP_URL] amqp://guest:guest@127.0.0.1:5672 (amqp:// only to this machine)
  --allow-insecure-amqp    [ALLOW_INSECURE_AMQP] allow a plain-text amqp:// broker on another machine
  --exchange NAME[,NAME]   [PULSE_EXCHANGE] exchange/github-webhooks/v1: the original format
                           (<owner>/<repo>/<event> keys) on each name
  --exchange-dotted NAME|off [PULSE_EXCHANGE_DOTTED] exchange/github-webhooks/v3: dotted keys
                           (<owner>.<repo>.<event>[.<action>]); never a name the original used
  --public-events LIST     [PUBLIC_EVENTS] the default allowlist
  --compact-every SECONDS  [COMPACT_EVERY_SECONDS] 600 (0: never)
  --lateness SECONDS       [LATENESS_SECONDS] 120 (at least 30), wait after an hour ends before compacting it
  --unhealthy-after SECONDS [UNHEALTHY_AFTER_SECONDS] 60: /healthz is 503 once the relay is stuck or the broker away that long
  --relay-max-attempts N   [RELAY_MAX_ATTEMPTS] 5: tries of a message the broker refuses before it is dead-lettered
  --dedup-window SECONDS   [DEDUP_WINDOW_SECONDS] 259200 (3 days, GitHub's redelivery window; 604800 for GHES):
                           a delivery published to Pulse is not published again within it (0: off)
  --request-timeout SECONDS [REQUEST_TIMEOUT_SECONDS] 30: the whole request must arrive within this
  --headers-timeout SECONDS [HEADERS_TIMEOUT_SECONDS] 10: the headers must arrive within this
  --max-connections N      [MAX_CONNECTIONS] 512 connections at once
  --max-body-in-flight MIB [MAX_BODY_MIB_IN_FLIGHT] 128 MiB of bodies held at once, counted as they
                           arrive; past it, the body with the most still to arrive is answered 503
  --body-grace SECONDS     [BODY_GRACE_SECONDS] 2: a body still arriving after this must keep up
  --body-min-rate BYTES    [BODY_MIN_BYTES_PER_SECOND] 1024 bytes a second on average (0: any pace)
  --body-idle SECONDS      [BODY_IDLE_SECONDS] 5 without a byte at most; else 408, connection closed
  --reconcile-every SECONDS [RECONCILE_EVERY_SECONDS] 0 (off): run the reconciler (see reconcile --help)
  --reconcile-hook HOOK    [RECONCILE_HOOKS, comma-separated] the hooks it checks; with GITHUB_TOKEN
                           (or GITHUB_APP_ID + GITHUB_APP_PRIVATE_KEY) and GITHUB_API_URL
  --dashboard-port PORT    [DASHBOARD_PORT] 8081: the web page (recent deliveries, relay, broker,
                           archive, compactor, reconciler); off disables it
  --dashboard-host HOST    [DASHBOARD_HOST] 127.0.0.1; another address needs DASHBOARD_TOKEN
  --dashboard-token TOKEN  [DASHBOARD_TOKEN] at least 16 characters: entered in the page, it shows
                           private deliveries (never shown without one)
  --dashboard-allowed-hosts LIST [DASHBOARD_ALLOWED_HOSTS, comma-separated host[:port]] the Host
                           names the page answers besides 127.0.0.1, [::1] and localhost (421 otherwise)
  --dashboard-trust-proxy  [DASHBOARD_TRUST_PROXY] false: believe X-Forwarded-Proto from a TLS proxy
                           in front of the page (the session cookie is then Secure)
  --dashboard-session-hours N [DASHBOARD_SESSION_HOURS] 12: a session ends this long after login`,
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    secret: { type: 'string', multiple: true },
    archive: { type: 'string' },
    'amqp-url': { type: 'string' },
    'allow-insecure-amqp': { type: 'boolean' },
    exchange: { type: 'string' },
    'exchange-dotted': { type: 'string' },
    'public-events': { type: 'string' },
    'compact-every': { type: 'string' },
    lateness: { type: 'string' },
    'unhealthy-after': { type: 'string' },
    'relay-max-attempts': { type: 'string' },
    'dedup-window': { type: 'string' },
    'request-timeout': { type: 'string' },
    'headers-timeout': { type: 'string' },
    'max-connections': { type: 'string' },
    'max-body-in-flight': { type: 'string' },
    'body-grace': { type: 'string' },
    'body-min-rate': { type: 'string' },
    'body-idle': { type: 'string' },
    'reconcile-every': { type: 'string' },
    'reconcile-hook': { type: 'string', multiple: true },
    'dashboard-host': { type: 'string' },
    'dashboard-port': { type: 'string' },
    'dashboard-token': { type: 'string' },
    'dashboard-allowed-hosts': { type: 'string' },
    'dashboard-trust-proxy': { type: 'boolean' },
    'dashboard-session-hours': { type: 'string' },
    'insecure-no-signature': { type: 'boolean' },
  },
  async run(values, env) {
    const config = readServeConfig(values, env);
    const logger = new JsonLogger('github-webhooks');
    if (config.secrets.length === 0) logger.warn('signatures are NOT verified (--insecure-no-signature)');
    if (config.weakSecrets > 0) {
      logger.warn('webhook secret shorter than 16 characters: use a longer one (openssl rand -hex 32)', {
        weak_secrets: config.weakSecrets,
      });
    }
    const page = config.dashboard;
    if (page !== undefined && !isLoopback(page.host) && !page.trustProxy) {
      logger.warn('the page is on a network address in plain HTTP: put a TLS proxy in front of it', {
        dashboard_host: page.host,
        hint: 'DASHBOARD_TRUST_PROXY, DASHBOARD_ALLOWED_HOSTS (README: the page)',
      });
    }
    const stack = await startStack(config, logger);
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        logger.info('shutting down: finishing requests in flight and flushing', { signal });
        process.once(signal, () => process.exit(1));
        resolve();
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    });
    await stack.close();
    return 0;
  },
});
