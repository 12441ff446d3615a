/**
 * How slowly a request body may arrive before it is ended (408), as nginx's `client_body_timeout`
 * (the longest wait between two reads) and Apache's `mod_reqtimeout` `MinRate` (each byte buys
 * time) do. A client that declares a large body and sends it a few bytes a second would otherwise
 * keep its connection, and its share of the body budget, until the request timeout.
 *
 * GitHub sends the whole body at once, so a genuine delivery is read within the grace and never
 * meets the rate at all; the rule only bites on a body still arriving after it.
 */
export interface SlowBodyRule {
  /** Time a body has from its request's headers before any rate counts. */
  readonly graceMs: number;
  /** Each byte read earns 1/minBytesPerSecond s more; 0: any read earns the idle time (nginx's rule). */
  readonly minBytesPerSecond: number;
  /** Time in hand never reaches past this after the latest read: the longest pause allowed. */
  readonly maxIdleMs: number;
}

/**
 * No genuine delivery over loopback or a LAN comes near it: GitHub's body is in within the grace.
 * Past it a body must keep up 1 KiB/s (Apache's MinRate is 500 B/s) and never pause 5 s (nginx
 * waits 60 s, but GitHub gives up on the whole delivery after 10 s).
 */
export const DEFAULT_SLOW_BODY_RULE: SlowBodyRule = {
  graceMs: 2_000,
  minBytesPerSecond: 1024,
  maxIdleMs: 5_000,
};

/** Where a body's time runs out, in ms of the clock the reads are stamped with. */
export type BodyDue = number;

/** A body starts with the grace. */
export function firstDue(rule: SlowBodyRule, startedAt: number): BodyDue {
  return startedAt + rule.graceMs;
}

/**
 * The time a body has after `bytes` more of it were read at `at`: what it had plus what the bytes
 * earned, capped at the idle limit from now, never less than it had (a large first read does not
 * shorten the grace). Below the minimum rate the bytes earn less time than passes, so the due
 * time is reached however the client spaces its writes; a pause longer than the idle limit
 * reaches it too. Pure: the caller stamps the reads.
 */
export function dueAfterRead(due: BodyDue, rule: SlowBodyRule, at: number, bytes: number): BodyDue {
  const earned =
    rule.minBytesPerSecond > 0 ? (bytes * 1000) / rule.minBytesPerSecond : Number.POSITIVE_INFINITY;
  return Math.max(due, Math.min(at + rule.maxIdleMs, due + earned));
}

export function isTooSlow(due: BodyDue, now: number): boolean {
  return now >= due;
}

export interface BodyPaceWatch {
  /** A chunk of the body was read: one addition, no timer touched. */
  read(bytes: number): void;
  /** The body is done (read, refused, or gone). */
  stop(): void;
}

/**
 * One timer per body being read (and a connection reads one body at a time), armed for the due
 * time and rearmed only when it fires early because reads have moved the due time on: a body read
 * at once never sees it fire; a slow one sees it about once per idle period.
 */
export function watchBodyPace(
  rule: SlowBodyRule,
  onTooSlow: () => void,
  now: () => number = () => performance.now(),
): BodyPaceWatch {
  let due = firstDue(rule, now());
  let stopped = false;
  let timer: NodeJS.Timeout;
  const arm = (ms: number) => {
    timer = setTimeout(check, Math.max(1, Math.ceil(ms)));
    // The server holds the process open, not a body's timer.
    timer.unref();
  };
  function check() {
    // Judged in the check phase, after the poll phase has read what the socket already holds: an
    // event loop busy elsewhere when the timer came due does not count against the client.
    setImmediate(() => {
      if (stopped) return;
      const t = now();
      if (isTooSlow(due, t)) {
        stopped = true;
        onTooSlow();
      } else arm(due - t);
    });
  }
  arm(rule.graceMs);
  return {
    read: (bytes) => {
      due = dueAfterRead(due, rule, now(), bytes);
    },
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
