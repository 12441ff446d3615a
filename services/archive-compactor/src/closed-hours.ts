import { hourStart } from '@github-webhooks/events';

const HOUR_MS = 3_600_000;

export interface ClosingRule {
  /** Extra wait for records still on their way (a request in flight, a local file being appended). */
  readonly latenessMs: number;
  /** Firehose's buffer interval: a raw object's records span at most that after its oldest one. */
  readonly bufferMs: number;
}

/**
 * When an hour counts as closed, so its compaction cannot miss a record: its end, plus the buffer
 * interval (an object of the next hour's prefix may still bring records of it), plus lateness.
 */
export function hourClosesAt(hour: Date, rule: ClosingRule): Date {
  return new Date(hourStart(hour).getTime() + HOUR_MS + rule.bufferMs + rule.latenessMs);
}

export const isHourClosed = (hour: Date, now: Date, rule: ClosingRule): boolean =>
  hourClosesAt(hour, rule).getTime() <= now.getTime();
