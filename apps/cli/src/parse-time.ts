import { parseHourLabel } from '@github-webhooks/events';
import { UsageError } from './errors';

/** `YYYY-MM-DDTHH` (an hour) or any ISO-8601 time; names the flag when it is neither. */
export function parseTime(flag: string, value: string): Date {
  const hour = parseHourLabel(value);
  if (hour) return hour;
  const date = new Date(value);
  if (/^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(date.getTime())) return date;
  throw new UsageError(
    `--${flag} must be an hour (2026-11-28T15) or an ISO-8601 time, got ${JSON.stringify(value)}`,
  );
}
