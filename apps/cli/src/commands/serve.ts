import { JsonLogger } from '@github-webhooks/runtime';
import { defineCommand } from '../command';
import { readServeConfig } from '../serve/serve-config';
import { startStack } from '../serve/start-stack';

export const serveCommand = defineCommand({
  name: 'serve',
  summary: 'run the whole pipeline: webhook endpoint, disk archive, Pulse republisher, compactor',
  help: `Usage: github-webhooks serve [options]

Runs the ingestion handler (POST /webhook), the disk archive (S3 key layout), an on-disk outbox
relayed to RabbitMQ, and the compactor on a timer. GET /healthz reports each part.

Options (environment variable in brackets, then default):
  --port N                 [PORT] 8080
  --host ADDR              [HOST] 0.0.0.0
  --secret S               [WEBHOOK_SECRETS, comma-separated] required, repeat for rotation
  --insecure-no-signature  accept unsigned deliveries (trying things out only)
  --archive DIR            [ARCHIVE_DIR] ./data
  --amqp-url URL           [AMQP_URL] amqp://guest:guest@127.0.0.1:5672
  --exchange NAME          [PULSE_EXCHANGE] exchange/github-webhooks/v1
  --exchange-v2 NAME|off   [PULSE_EXCHANGE_V2] exchange/github-webhooks/v2
  --public-events LIST     [PUBLIC_EVENTS] the default allowlist
  --compact-every SECONDS  [COMPACT_EVERY_SECONDS] 600 (0: never)
  --lateness SECONDS       [LATENESS_SECONDS] 120 (at least 30), wait after an hour ends before compacting it`,
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    secret: { type: 'string', multiple: true },
    archive: { type: 'string' },
    'amqp-url': { type: 'string' },
    exchange: { type: 'string' },
    'exchange-v2': { type: 'string' },
    'public-events': { type: 'string' },
    'compact-every': { type: 'string' },
    lateness: { type: 'string' },
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
