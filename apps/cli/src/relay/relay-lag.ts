import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isMarkedPrivate, receivedAtOf } from '@github-webhooks/events';
import { RawLog } from './raw-log';
import { RelayCursor } from './relay-cursor';

export interface RelayLag {
  /** Public records in the archive the relay has not confirmed yet. */
  readonly records: number;
  /** Age of the oldest of them, in seconds (0 when none). */
  readonly seconds: number;
  readonly bytes: number;
}

/**
 * How far behind the archive the relay of `serve` is, read from its cursor and the raw files
 * (nothing is changed; works while serve runs, or after it stopped). Undefined for a directory
 * no relay has used.
 */
export async function relayLag(root: string, now: Date): Promise<RelayLag | undefined> {
  const dir = join(root, 'relay');
  if (
    !(await stat(dir).then(
      (s) => s.isDirectory(),
      () => false,
    ))
  )
    return undefined;
  const log = new RawLog(root, await RelayCursor.load(root, dir));
  await log.scan();
  const bytes = log.backlogBytes;
  let records = 0;
  let oldest = now.getTime();
  for (let file = log.next(); file !== undefined; file = log.next()) {
    const chunk = await log.read(file, 4 * 1024 * 1024);
    for (const line of chunk.lines) {
      if (isMarkedPrivate(line.bytes)) continue;
      records += 1;
      oldest = Math.min(oldest, arrivalOf(line.bytes, oldest));
    }
    log.advance(file, chunk.lines.at(-1)?.end ?? file.readable, chunk.lines.length === 0);
  }
  return { records, seconds: Math.max(0, (now.getTime() - oldest) / 1000), bytes };
}

/** When the record arrived (ms since the epoch), or `fallback` when its line does not say. */
export function arrivalOf(line: Buffer, fallback: number): number {
  try {
    return receivedAtOf(line).getTime();
  } catch {
    return fallback;
  }
}

/** How far behind the relay of this process is: since the arrival of the first record not yet relayed. */
export class Lag {
  private behindSince: number | undefined;

  constructor(private readonly clock: () => number) {}

  /** The age of the first record not yet relayed (0 when caught up). */
  get seconds(): number {
    return this.behindSince === undefined ? 0 : Math.max(0, (this.clock() - this.behindSince) / 1000);
  }

  /** Nothing waits. */
  caughtUp(): void {
    this.behindSince = undefined;
  }

  /** `line` is the first waiting record, unless one waited already. */
  waiting(line: Buffer): void {
    this.behindSince ??= arrivalOf(line, this.clock());
  }

  /** `line` failed and waits for its retry: the first waiting record now. */
  retrying(line: Buffer): void {
    this.behindSince = arrivalOf(line, this.clock());
  }
}
