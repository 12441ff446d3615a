import { openObjectStore } from '@github-webhooks/object-store';
import { AmqpPublisher, exchangeNames } from '@github-webhooks/pulse';
import { JsonLogger } from '@github-webhooks/runtime';
import { archiveLocation, commandSettings, defineCommand } from '../command';
import { UsageError } from '../errors';
import { parseTime } from '../parse-time';
import { Progress } from '../progress';
import { replay } from '../replay/replay-archive';
import { PULSE_FLAGS, readPulseSettings } from '../serve/serve-config';
import { PULSE_SETTINGS } from '../serve/serve-settings';
import { ARCHIVE_SETTING } from '../settings/archive-setting';
import { flagIntegerOf, optionsHelp, parseOptions, type SettingSpec, settingOf } from '../settings/declare';

/** Every option of `replay`, in the order `--help` and the docs list them. */
export const REPLAY_SETTINGS = [
  {
    flag: 'from',
    kind: 'string',
    value: 'TIME',
    required: true,
    help: 'start (inclusive): an hour YYYY-MM-DDTHH or an ISO-8601 time',
  },
  { flag: 'to', kind: 'string', value: 'TIME', help: 'end (exclusive), default now' },
  { flag: 'event', kind: 'string', value: 'NAME', help: 'only this event' },
  { flag: 'repo', kind: 'string', value: 'OWNER/NAME', help: 'only this repository' },
  { flag: 'dry-run', kind: 'boolean', help: 'count what would be published, publish nothing' },
  {
    flag: 'rate',
    kind: 'integer',
    value: 'N',
    default: '50',
    min: 1,
    max: 100_000,
    help: 'messages per second at most',
  },
  ARCHIVE_SETTING,
  ...PULSE_SETTINGS,
] as const satisfies readonly SettingSpec[];

const RATE = settingOf(REPLAY_SETTINGS, 'rate');

export const replayCommand = defineCommand({
  name: 'replay',
  summary: 'republish archived public deliveries to Pulse, tagged as replays',
  help: `Usage: github-webhooks replay --from TIME [options]

Republishes archived public deliveries to Pulse with the AMQP header x-github-webhooks-replay: true.
Private deliveries are never published.

${optionsHelp(REPLAY_SETTINGS)}`,
  options: parseOptions(REPLAY_SETTINGS),
  async run(values, env) {
    if (!values.from)
      throw new UsageError('--from is required (an hour such as 2026-11-28T15, or an ISO time)');
    const range = {
      from: parseTime('from', values.from),
      to: values.to ? parseTime('to', values.to) : new Date(),
    };
    const ratePerSecond = flagIntegerOf(RATE, values.rate);
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
