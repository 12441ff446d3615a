import type { BenchPayload } from './payloads';
import type { ServerKind } from './servers';

/** What was measured: a baseline server, or `serve` with private (archive only) or public deliveries. */
export type Target = Exclude<ServerKind, 'serve'> | 'serve-private' | 'serve-public';

/** The servers the ingestion stage measures, baselines first. */
const SERVERS: readonly ServerKind[] = [
  'bare',
  'minimal',
  'durable',
  'durable-record',
  'durable-public',
  'octokit',
  'serve',
];

/** Each server measured, `serve` twice: with private deliveries, then with public ones. */
export const TARGETS: readonly Target[] = SERVERS.flatMap((kind): Target[] =>
  kind === 'serve' ? ['serve-private', 'serve-public'] : [kind],
);

/** The server a target is measured on. */
export const serverOf = (target: Target): ServerKind =>
  target === 'serve-private' || target === 'serve-public' ? 'serve' : target;

/** The body a target is sent: `serve-private` the private repository's delivery, every other the public one. */
export const bodyOf = (target: Target, payload: BenchPayload): Buffer =>
  target === 'serve-private' ? payload.privateBody : payload.body;
