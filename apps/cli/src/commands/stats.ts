import { type ArchiveStats, archiveStats, type Tally } from '@github-webhooks/archive';
import { openObjectStore } from '@github-webhooks/object-store';
import { archiveLocation, defineCommand } from '../command';
import { parseTime } from '../parse-time';
import { Progress } from '../progress';
import { type RelayLag, relayLag } from '../relay/relay-lag';
import { ARCHIVE_SETTING } from '../settings/archive-setting';
import { optionsHelp, parseOptions, type SettingSpec } from '../settings/declare';

/** Every option of `stats`, in the order `--help` and the docs list them. */
export const STATS_SETTINGS = [
  ARCHIVE_SETTING,
  { flag: 'from', kind: 'string', value: 'TIME', help: 'start (inclusive), default: the beginning' },
  { flag: 'to', kind: 'string', value: 'TIME', help: 'end (exclusive), default: now' },
  { flag: 'json', kind: 'boolean', help: 'print JSON' },
] as const satisfies readonly SettingSpec[];

export const statsCommand = defineCommand({
  name: 'stats',
  summary: 'count archived deliveries by hour and event',
  help: `Usage: github-webhooks stats [options]

Counts every delivery in the archive (raw and hourly files). For a local archive that serve's
relay publishes from, also shows how far behind the relay is (public records not yet confirmed by
the broker, and the age of the oldest).

${optionsHelp(STATS_SETTINGS)}`,
  options: parseOptions(STATS_SETTINGS),
  async run(values, env) {
    const progress = new Progress('counting');
    const location = archiveLocation(values, env);
    const result = await archiveStats(
      openObjectStore(location),
      {
        from: values.from ? parseTime('from', values.from) : new Date(0),
        to: values.to ? parseTime('to', values.to) : new Date(Date.now() + 3_600_000),
      },
      (n) => progress.update(n),
    );
    progress.done();
    const lag = location.startsWith('s3://') ? undefined : await relayLag(location, new Date());
    if (!values.json) {
      console.log(formatStats(result));
      if (lag !== undefined) console.log(formatLag(lag));
      return 0;
    }
    console.log(
      JSON.stringify({
        by_hour: Object.fromEntries(result.byHour),
        by_event: Object.fromEntries(result.byEvent),
        total: result.total,
        malformed: result.malformed,
        ...(lag === undefined ? {} : { relay_lag: lag }),
      }),
    );
    return 0;
  },
});

/** The stats as an aligned text table. */
export function formatStats(result: ArchiveStats): string {
  const rows = (title: string, map: Map<string, Tally>) =>
    [...map.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(
        ([key, t]) =>
          `${title.padEnd(6)} ${key.padEnd(32)} ${String(t.total).padStart(9)} ${String(t.public).padStart(9)}`,
      );
  return [
    `${'by'.padEnd(6)} ${'key'.padEnd(32)} ${'total'.padStart(9)} ${'public'.padStart(9)}`,
    ...rows('hour', result.byHour),
    ...rows('event', result.byEvent),
    `${'all'.padEnd(6)} ${''.padEnd(32)} ${String(result.total.total).padStart(9)} ${String(result.total.public).padStart(9)}`,
    ...(result.malformed > 0
      ? [`${result.malformed} unreadable line(s): see quarantine/ after compaction`]
      : []),
  ].join('\n');
}

export function formatLag(lag: RelayLag): string {
  if (lag.records === 0) return 'relay: caught up';
  return `relay: ${lag.records} public record(s) not yet on Pulse, the oldest ${Math.round(lag.seconds)} s old (${lag.bytes} bytes behind)`;
}
