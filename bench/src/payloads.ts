import { githubExamples, grownPush } from '@github-webhooks/fixtures';

export interface BenchPayload {
  readonly name: string;
  readonly event: string;
  /** A delivery of a public repository (published to Pulse). */
  readonly body: Buffer;
  /** The same delivery from a private repository (archived only). */
  readonly privateBody: Buffer;
}

const privateOf = (payload: Record<string, unknown>): Buffer =>
  Buffer.from(
    JSON.stringify({
      ...payload,
      repository: { ...(payload.repository as object), private: true, visibility: 'private' },
    }),
  );

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
  const of = (name: string, event: string, payload: Record<string, unknown>): BenchPayload => ({
    name,
    event,
    body: Buffer.from(JSON.stringify(payload)),
    privateBody: privateOf(payload),
  });
  return [
    of('push 7.7 KB', 'push', push),
    of('pull_request 21 KB', 'pull_request', pull),
    of('push 1 MiB', 'push', big),
  ];
}

/** Connections each payload is loaded with: 1 MiB bodies only at 10 (50 would measure the disk's queue). */
export const connectionsFor = (payload: BenchPayload): readonly number[] =>
  payload.body.length > 100_000 ? [10] : [10, 50];

/** The smallest and the largest payload: the relay's per-message and per-byte costs. */
export const republishPayloads = (): BenchPayload[] =>
  benchPayloads().filter((p) => p.name !== 'pull_request 21 KB');

/** The payload the instructions stage counts: the smallest, where a request's fixed cost shows most. */
export const instructionsPayload = (): BenchPayload => {
  const [smallest] = benchPayloads();
  if (!smallest) throw new Error('no bench payloads');
  return smallest;
};
