import { JsonLogger } from '@github-webhooks/runtime';
import { defineCommand } from '../command';
import { isLoopback } from '../dashboard/dashboard-config';
import { readServeConfig } from '../serve/serve-config';
import { SERVE_SETTINGS } from '../serve/serve-settings';
import { startStack } from '../serve/start-stack';
import { optionsHelp, parseOptions } from '../settings/declare';

export const serveCommand = defineCommand({
  name: 'serve',
  summary: 'run the whole pipeline: webhook endpoint, disk archive, Pulse republisher, compactor',
  help: `Usage: github-webhooks serve [options]

Runs the ingestion handler (POST /webhook), the disk archive (S3 key layout; its raw files are the
one durable log), a relay publishing the public records from it to RabbitMQ, and the compactor on
a timer. GET /healthz reports each part, the relay's lag included.

${optionsHelp(SERVE_SETTINGS)}`,
  options: parseOptions(SERVE_SETTINGS),
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
        hint: 'DASHBOARD_TRUST_PROXY, DASHBOARD_ALLOWED_HOSTS (docs/local.md: the page)',
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
