import { parseArgs } from 'node:util';
import { compactHour, compactPending, importLegacy } from '@github-webhooks/archive-compactor';
import { hourLabel, hourStart } from '@github-webhooks/events';
import { openObjectStore } from '@github-webhooks/object-store';
import { AmqpPublisher } from '@github-webhooks/pulse-republisher';
import { JsonLogger } from '../local/json-logger';
import { Progress } from '../local/progress';
import { integer, readPulseSettings, readServeConfig, UsageError } from '../serve/serve-config';
import { startStack } from '../serve/start-stack';
import { listen } from './listen';
import { parseTime } from './parse-time';
import { replay } from './replay';
import { send } from './send';
import { formatStats, stats } from './stats';

const env = process.env;
const archiveOf = (flag: string | undefined) => flag ?? env.ARCHIVE_DIR ?? './data';

export async function runServe(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
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
  });
  const config = readServeConfig(values, env);
  const logger = new JsonLogger('github-webhooks');
  if (config.secrets.length === 0) logger.warn('signatures are NOT verified (--insecure-no-signature)');
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
}

export async function runSend(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      url: { type: 'string' },
      secret: { type: 'string' },
      event: { type: 'string', default: 'push' },
      example: { type: 'string', default: '0' },
      file: { type: 'string' },
      id: { type: 'string' },
    },
  });
  const result = await send({
    url: values.url ?? `http://127.0.0.1:${env.PORT ?? 8080}/webhook`,
    secret: values.secret ?? env.WEBHOOK_SECRETS?.split(',')[0]?.trim(),
    event: values.event,
    example: integer('--example', values.example, 0, 0, 10_000),
    file: values.file,
    id: values.id,
  });
  console.log(`${result.status} ${result.event} ${result.id} ${result.body}`);
  return result.status >= 200 && result.status < 300 ? 0 : 1;
}

export async function runCompact(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      archive: { type: 'string' },
      hour: { type: 'string' },
      all: { type: 'boolean' },
      'legacy-prefix': { type: 'string' },
      lateness: { type: 'string', default: '120' },
      buffer: { type: 'string' },
      disposal: { type: 'string', default: 'delete' },
      json: { type: 'boolean' },
    },
  });
  const location = archiveOf(values.archive);
  if (values.disposal !== 'delete' && values.disposal !== 'tag')
    throw new UsageError('--disposal must be delete or tag');
  if (values.hour && values.all) throw new UsageError('give --hour or --all, not both');
  const progress = new Progress('compacting');
  let steps = 0;
  const common = {
    store: openObjectStore(location),
    now: new Date(),
    disposal: values.disposal,
    logger: new JsonLogger('github-webhooks-compact', process.stderr, 'warn'),
    onProgress: (event: { type: string; hour?: string }) =>
      progress.update(++steps, undefined, event.hour ?? ''),
  } as const;
  const latenessMs = 1000 * integer('--lateness', values.lateness, 120, 30, 86_400);
  if (values.hour) {
    // An hour still being written (a local archive file growing) is compacted once it has closed.
    const hour = hourStart(parseTime('hour', values.hour));
    const closes = hour.getTime() + 3_600_000 + latenessMs;
    if (closes > Date.now()) {
      throw new UsageError(
        `${hourLabel(hour)} is not closed yet; it can be compacted after ${new Date(closes).toISOString()}`,
      );
    }
  }
  const report = values['legacy-prefix']
    ? await importLegacy({ ...common, prefix: values['legacy-prefix'] })
    : values.hour
      ? await compactHour({ ...common, hour: parseTime('hour', values.hour) })
      : await compactPending({
          ...common,
          latenessMs,
          bufferMs: 1000 * integer('--buffer', values.buffer, location.startsWith('s3://') ? 900 : 0, 0, 900),
        });
  progress.done();
  console.log(values.json ? JSON.stringify(report) : JSON.stringify(report, null, 2));
  return 0;
}

export async function runReplay(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      archive: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      event: { type: 'string' },
      repo: { type: 'string' },
      'dry-run': { type: 'boolean' },
      rate: { type: 'string', default: '50' },
      'amqp-url': { type: 'string' },
      exchange: { type: 'string' },
      'exchange-v2': { type: 'string' },
      'public-events': { type: 'string' },
    },
  });
  if (!values.from)
    throw new UsageError('--from is required (an hour such as 2026-11-28T15, or an ISO time)');
  const { amqpUrl, exchanges, policy } = readPulseSettings(values, env);
  const publisher = values['dry-run']
    ? undefined
    : new AmqpPublisher({
        url: amqpUrl,
        exchanges: [exchanges.v1, ...(exchanges.v2 ? [exchanges.v2] : [])],
        connectionName: 'github-webhooks replay',
      });
  const progress = new Progress('replaying');
  try {
    const report = await replay({
      store: openObjectStore(archiveOf(values.archive)),
      range: {
        from: parseTime('from', values.from),
        to: values.to ? parseTime('to', values.to) : new Date(),
      },
      event: values.event,
      repo: values.repo,
      policy,
      exchanges,
      publisher,
      ratePerSecond: integer('--rate', values.rate, 50, 1, 100_000),
      logger: new JsonLogger('github-webhooks-replay', process.stderr, 'warn'),
      onProgress: (n) => progress.update(n),
    });
    progress.done();
    console.log(JSON.stringify({ dry_run: Boolean(values['dry-run']), ...report }));
    return report.failed > 0 ? 1 : 0;
  } finally {
    await publisher?.close();
  }
}

export async function runStats(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      archive: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const progress = new Progress('counting');
  const result = await stats(
    openObjectStore(archiveOf(values.archive)),
    {
      from: values.from ? parseTime('from', values.from) : new Date(0),
      to: values.to ? parseTime('to', values.to) : new Date(Date.now() + 3_600_000),
    },
    (n) => progress.update(n),
  );
  progress.done();
  if (values.json) {
    console.log(
      JSON.stringify({
        by_hour: Object.fromEntries(result.byHour),
        by_event: Object.fromEntries(result.byEvent),
        total: result.total,
        malformed: result.malformed,
      }),
    );
  } else {
    console.log(formatStats(result));
  }
  return 0;
}

export async function runListen(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      'amqp-url': { type: 'string' },
      exchange: { type: 'string' },
      pattern: { type: 'string', multiple: true },
      count: { type: 'string', default: '0' },
    },
  });
  const pulse = readPulseSettings(values, env);
  await listen({
    amqpUrl: pulse.amqpUrl,
    exchange: pulse.exchanges.v1,
    patterns: values.pattern ?? ['#'],
    count: integer('--count', values.count, 0, 0, 1_000_000),
    print: (line) => console.log(line),
    stopped: new Promise((resolve) => process.once('SIGINT', () => resolve())),
    onReady: () => console.error('listening; Ctrl-C to stop'),
  });
  return 0;
}
