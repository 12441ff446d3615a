import { isMarkedPrivate } from '@github-webhooks/events';
import type { Outcome } from '@github-webhooks/pulse-republisher';
import { countAttempt, type HeadAttempts } from './attempts';
import type { LogLine } from './raw-log';

/** A record's message id, which its outcome comes back with: its file and where it ends. */
export const messageIdOf = (key: string, line: LogLine): string => `${key}:${line.end}`;

/** Failures no retry can fix: the record goes to the dead-letter file instead of blocking the log. */
const PERMANENT: ReadonlySet<string> = new Set(['bad_message']);

export interface SettleInput {
  /** The file's key (see messageIdOf). */
  readonly key: string;
  /** Where settling starts: the file's position, or the batch's start when that is later. */
  readonly from: number;
  /** The batch's records, in order (private ones included: they were not sent). */
  readonly lines: readonly LogLine[];
  /** What the republisher said of the records sent. */
  readonly outcomes: readonly Outcome[];
  readonly attempts: HeadAttempts;
  readonly maxAttempts: number;
}

export interface DeadLetter {
  readonly line: LogLine;
  /** Why it can never be published, as the dead-letter file tells it. */
  readonly reason: string;
  readonly deliveryId: string | undefined;
  readonly event: string | undefined;
}

export interface Settlement {
  /** Just past the last record settled: the file's position may move here (`from` if none was). */
  readonly offset: number;
  /** Records the republisher settled (published, refused as private, dead-lettered). */
  readonly confirmed: number;
  readonly published: number;
  /** Records to keep in the dead-letter file, in order, before the position moves past them. */
  readonly deadLetters: readonly DeadLetter[];
  /** The first record to be tried again: the batch is settled up to it. Undefined when all was. */
  readonly retry: LogLine | undefined;
  /** The head's tries after this batch. */
  readonly attempts: HeadAttempts;
  /** The last failure worth retrying that a record met (one that had its tries included). */
  readonly lastError: string | undefined;
}

/** What one record's outcome means; `error` is a failure worth retrying, met now. */
type Verdict =
  | {
      readonly kind: 'published' | 'refused' | 'retry';
      readonly attempts: HeadAttempts;
      readonly error?: string;
    }
  | {
      readonly kind: 'dead';
      readonly reason: string;
      readonly attempts: HeadAttempts;
      readonly error?: string;
    };

/**
 * The relay's rule for a batch after its try, as a value: its records settle in order, up to the
 * first that must be retried. A record marked private, or one not sent, is passed; a published one
 * resets the head's tries; a permanent failure, or one that had its tries with the broker reachable
 * (a try counts only for the batch's first record sent: the head), goes to the dead letters.
 */
export function settleBatch(input: SettleInput): Settlement {
  const byId = new Map(input.outcomes.map((o) => [o.messageId, o]));
  const deadLetters: DeadLetter[] = [];
  let { from: offset, attempts } = input;
  let confirmed = 0;
  let published = 0;
  let lastError: string | undefined;
  for (const line of input.lines) {
    const outcome = isMarkedPrivate(line.bytes) ? undefined : byId.get(messageIdOf(input.key, line));
    if (outcome !== undefined) {
      const verdict = judge(outcome, attempts, confirmed === 0, input.maxAttempts);
      attempts = verdict.attempts;
      lastError = verdict.error ?? lastError;
      if (verdict.kind === 'retry')
        return { offset, confirmed, published, deadLetters, retry: line, attempts, lastError };
      if (verdict.kind === 'dead')
        deadLetters.push({
          line,
          reason: verdict.reason,
          deliveryId: outcome.deliveryId,
          event: outcome.event,
        });
      if (verdict.kind === 'published') published += 1;
      confirmed += 1;
    }
    offset = line.end;
  }
  return { offset, confirmed, published, deadLetters, retry: undefined, attempts, lastError };
}

/** What one record's outcome means: settled (published, refused as private, dead) or retry. */
function judge(outcome: Outcome, attempts: HeadAttempts, isHead: boolean, maxAttempts: number): Verdict {
  if (outcome.status === 'published') return { kind: 'published', attempts: undefined };
  // Refused as private: never published, and the archive holds it; nothing to keep.
  if (outcome.reason === 'refused_private') return { kind: 'refused', attempts };
  if (PERMANENT.has(outcome.reason)) return { kind: 'dead', reason: outcome.reason, attempts: undefined };
  const counted = countAttempt(attempts, outcome.messageId, isHead && !outcome.brokerUnavailable);
  const error = outcome.reason;
  if (counted.tries < maxAttempts) return { kind: 'retry', attempts: counted, error };
  return {
    kind: 'dead',
    reason: `${error} ${counted.tries} times with the broker reachable`,
    attempts: undefined,
    error,
  };
}

/** The records of a batch: all read, up to the `size`-th public one (private ones are not sent). */
export function takeBatch(lines: readonly LogLine[], size: number): { lines: LogLine[]; public: LogLine[] } {
  const taken: LogLine[] = [];
  const publics: LogLine[] = [];
  for (const line of lines) {
    if (!isMarkedPrivate(line.bytes)) {
      if (publics.length === size) break;
      publics.push(line);
    }
    taken.push(line);
  }
  return { lines: taken, public: publics };
}
