import { openObjectStore } from '@github-webhooks/object-store';
import { AmqpPublisher, exchangeNames } from '@github-webhooks/pulse';
import { JsonLogger } from '@github-webhooks/runtime';
import { archiveLocation, commandSettings, defineCommand, flagInteger } from '../command';
import { UsageError } from '../errors';
import { parseTime } from '../parse-time';
import { Progress } from '../progress';
import { replay } from '../replay/replay-archive';
import { PULSE_FLAGS, readPulseSettings } from '../serve/serve-config';

export const replayCommand = defineCommand({
  name: 'replay',
  summary: 'republish archived public deliveries to Pulse, tagged as replays',
  help: `Usage: github-webhooks replay --from TIME [options]

Republishes archived public deliveries to Pulse with the AMQP header x-github-webhooks-replay: true.
Private deliveries are never published.

Options:
  --from TIME         start (inclusive): an hour YYYY-MM-DDTHH or an ISO-8601 time
  --to TIME           end (exclusive), default now
  --event NAME        only this event
  --repo OWNER/NAME   only this repository
  --dry-run           count what would be published, publish nothing
  --rate N            messages per second at most (default 50)
  --archive DIR|s3:// [ARCHIVE_DIR] ./data
  --amqp-url URL      [AMQP_URL] amqp://guest:guest@127.0.0.1:5672 (amqp:// only to this machine)
  --allow-insecure-amqp [ALLOW_INSECURE_AMQP] allow a plain-text amqp:// broker on another machine
  --exchange NAME[,NAME] [PULSE_EXCHANGE], --exchange-dotted NAME|off [PULSE_EXCHANGE_DOTTED]
  --public-events LIST [PUBLIC_EVENTS]`,
  options: {
    archive: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    event: { type: 'string' },
    repo: { type: 'string' },
    'dry-run': { type: 'boolean' },
    rate: { type: 'string', default: '50' },
    'amqp-url': { type: 'string' },
    'allow-insecure-amqp': { type: 'boolean' },
    exchange: { type: 'string' },
    'exchange-dotted': { type: 'string' },
    'public-events': { type: 'string' },
  },
  async run(values, env) {
    if (!values.from)
      throw new UsageError('--from is required (an hour such as 2026-11-28T15, or an ISO time)');
    const range = {
      from: parseTime('from', values.from),
      to: values.to ? parseTime('to', values.to) : new Date(),
    };
    const ratePerSecond = flagInteger('rate', values.rate, { fallback: 50, min: 1, max: 100_000 });
    const { amqpUrl, exchanges, policy } = readPulseSettings(commandSettings(values, PULSE_FLAGS, env));
    const publisher = values['dry-run']
      ? undefined
      : new AmqpPublisher({
          url: amqpUrl,
          exchanges: exchangeNames(exchanges),
          connectionName: 'github-webhooks replay',
        });
    const progress = new Progress('replaying');
    try {
      const report = await replay({
        store: openObjectStore(archiveLocation(values, env)),
        range,
        event: values.event,
        repo: values.repo,
        policy,
        exchanges,
        publisher,
        ratePerSecond,
        logger: new JsonLogger('github-webhooks-replay', { out: process.stderr, minLevel: 'warn' }),
        onProgress: (n) => progress.update(n),
      });
      progress.done();
      console.log(JSON.stringify({ dry_run: Boolean(values['dry-run']), ...report }));
      return report.failed > 0 ? 1 : 0;
    } finally {
      await publisher?.close();
    }
  },
});
