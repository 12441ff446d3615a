import { join } from 'node:path';
import { LOCAL_RAW_FILE } from '../local/disk-archive';
import { type FilePosition, RelayCursor } from './relay-cursor';

/** The relay's positions, from its cursor in memory (serve) or on disk (`relay/cursor.json`). */
export interface RelayPositions {
  get(key: string): FilePosition | undefined;
}

/**
 * Whether the compactor may dispose of the object at `key` as far as the relay is concerned: a raw
 * file of the local archive only once the relay's cursor says it is closed and read to its end
 * (`done`, which is saved before the cursor moves on); objects the relay never tails (Firehose's,
 * hourly files) are not its concern. The one rule for serve's timer, which asks the relay's cursor
 * in memory, and `github-webhooks compact`, which reads it from disk: a file the relay has not
 * read (the broker away) stays, however closed its hour is.
 */
export function relayHasPassed(positions: RelayPositions, key: string): boolean {
  if (!LOCAL_RAW_FILE.test(key)) return true;
  return positions.get(key)?.done === true;
}

/**
 * The rule over the relay's durable cursor of the archive at `root`, read now. A snapshot errs on
 * the safe side: the cursor only moves on, so a file it calls done stays done. No cursor (no relay
 * has run here yet) keeps every raw file of the local archive: a relay started later reads them all.
 */
export async function relayPassedOnDisk(root: string): Promise<(key: string) => boolean> {
  const cursor = await RelayCursor.load(root, join(root, 'relay'));
  return (key) => relayHasPassed(cursor, key);
}
