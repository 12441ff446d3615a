import { githubExamples, grownPush } from '@github-webhooks/fixtures';

export interface BenchPayload {
  readonly name: string;
  readonly event: string;
  readonly body: Buffer;
}

const closestTo = (event: string, bytes: number) => {
  const candidates = githubExamples().filter((e) => e.event === event);
  const size = (p: unknown) => Buffer.byteLength(JSON.stringify(p));
  const best = candidates.sort(
    (a, b) => Math.abs(size(a.payload) - bytes) - Math.abs(size(b.payload) - bytes),
  )[0];
  if (!best) throw new Error(`no ${event} example`);
  return best.payload;
};

/** The real 7.7 KB push and ~21 KB pull_request examples, and a generated 1 MiB push. */
export function benchPayloads(): BenchPayload[] {
  const push = closestTo('push', 7_700);
  const pull = closestTo('pull_request', 21_000);
  const big = grownPush(1024 * 1024, push);
  return [
    { name: 'push 7.7 KB', event: 'push', body: Buffer.from(JSON.stringify(push)) },
    { name: 'pull_request 21 KB', event: 'pull_request', body: Buffer.from(JSON.stringify(pull)) },
    { name: 'push 1 MiB', event: 'push', body: Buffer.from(JSON.stringify(big)) },
  ];
}
