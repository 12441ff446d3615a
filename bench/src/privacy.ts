import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classify, createPrivacyPolicy, type WebhookPayload } from '@github-webhooks/events';
import { runBenchChild } from './child-run';
import { benchPayloads } from './payloads';
import { type Summary, summarize } from './stats';

/** One payload's measurement, in a process of its own. */
interface PrivacyRun {
  readonly event: string;
  /** A file holding the payload's JSON text (a public delivery). */
  readonly payloadFile: string;
  readonly rounds: number;
  /** How long each round parses, then classifies, at least. */
  readonly milliseconds: number;
}

/** Per round: µs a delivery for `JSON.parse` and for `classify`. */
interface PrivacyMeasured {
  readonly parse: readonly number[];
  readonly classify: readonly number[];
}

export interface PrivacyRow {
  readonly payload: string;
  /** µs to parse the payload: the work every baseline from (b) on does for each delivery. */
  readonly parse: Summary;
  /** µs for `classify`: the privacy verdict with its walk over the whole payload. */
  readonly classify: Summary;
  /** classify / parse, medians. */
  readonly ratio: number;
}

/**
 * The privacy check's cost on the public path, which the ingestion rows include but do not show:
 * `classify` of a public delivery (a private one is decided by its repository before any walk) runs
 * its every step, the walk over the whole payload for hidden repositories and restricted content
 * included, against `JSON.parse` of the same payload, which a public delivery needs anyway. Each
 * payload in a fresh process, so the parent's heap does not weigh on the parse's garbage collection.
 */
export function benchPrivacy(options: { rounds: number; milliseconds: number }): PrivacyRow[] {
  const dir = mkdtempSync(join(tmpdir(), 'gw-bench-privacy-'));
  try {
    return benchPayloads().map((payload) => {
      const payloadFile = join(dir, 'payload.json');
      writeFileSync(payloadFile, payload.body);
      const run: PrivacyRun = { event: payload.event, payloadFile, ...options };
      const runFile = join(dir, 'run.json');
      writeFileSync(runFile, JSON.stringify(run));
      const measured = runBenchChild<PrivacyMeasured>(`privacy ${payload.name}`, 'privacy-child', [runFile]);
      const parse = summarize(measured.parse);
      const verdict = summarize(measured.classify);
      process.stderr.write(
        `privacy ${payload.name}: classify ${verdict.median.toFixed(1)} µs, JSON.parse ${parse.median.toFixed(1)} µs\n`,
      );
      return { payload: payload.name, parse, classify: verdict, ratio: verdict.median / parse.median };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `bench privacy-child <run.json>`: prints a PrivacyMeasured. */
export function privacyChild(runFile: string): void {
  const run = JSON.parse(readFileSync(runFile, 'utf8')) as PrivacyRun;
  process.stdout.write(
    `${JSON.stringify(measurePrivacy(run.event, readFileSync(run.payloadFile, 'utf8'), run))}\n`,
  );
}

/**
 * Alternates, each round: parse a set of copies (timed), then classify each copy once (timed), so
 * the walk meets objects as fresh from the parser as ingestion's are, not one object kept hot. A
 * first round warms the JIT up and is not counted.
 */
export function measurePrivacy(
  event: string,
  text: string,
  options: { rounds: number; milliseconds: number },
): PrivacyMeasured {
  const policy = createPrivacyPolicy();
  const first = classify(event, JSON.parse(text) as WebhookPayload, policy);
  // A private verdict stops before the walk: it would time the check's cheapest path.
  if (!first.public) throw new Error(`the ${event} payload is not public (${first.reason}): nothing to walk`);
  const copies = Math.min(64, Math.max(2, Math.floor((32 * 1024 * 1024) / text.length)));
  const parse: number[] = [];
  const verdicts: number[] = [];
  for (let round = 0; round <= options.rounds; round++) {
    let parsing = 0n;
    let judging = 0n;
    let count = 0;
    const until = Date.now() + options.milliseconds;
    do {
      const started = process.hrtime.bigint();
      const payloads = Array.from({ length: copies }, () => JSON.parse(text) as WebhookPayload);
      const parsed = process.hrtime.bigint();
      for (const payload of payloads)
        if (!classify(event, payload, policy).public) throw new Error('not public');
      judging += process.hrtime.bigint() - parsed;
      parsing += parsed - started;
      count += copies;
    } while (Date.now() < until);
    if (round === 0) continue;
    parse.push(Number(parsing) / 1e3 / count);
    verdicts.push(Number(judging) / 1e3 / count);
  }
  return { parse, classify: verdicts };
}
