import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '@github-webhooks/runtime';
import type { RawLog, TailedFile } from './raw-log';
import type { RelayCursor } from './relay-cursor';

const SEGMENT = /^\d{12}\.ndjson$/;

/**
 * Earlier versions kept public deliveries in a second durable copy, `<archive>/outbox/`. What was
 * still waiting there is relayed first, from that outbox's own cursor, and each segment deleted
 * once relayed; its dead-letter file is left where it is.
 */
export async function addLegacyOutbox(root: string, log: RawLog, logger: Logger): Promise<void> {
  const dir = join(root, 'outbox');
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => SEGMENT.test(n)).sort();
  if (names.length === 0) return;
  const cursor = await readLegacyCursor(dir);
  let added = 0;
  for (const name of names) {
    const segment = Number(name.slice(0, 12));
    const path = join(dir, name);
    if (segment < cursor.segment) {
      await rm(path, { force: true });
      continue;
    }
    const size = (await stat(path)).size;
    log.addLegacy(`outbox/${name}`, path, size, segment === cursor.segment ? cursor.offset : 0);
    added += 1;
  }
  if (added > 0) logger.warn('relaying what an earlier version left in outbox/', { segments: added });
}

/** Deletes a drained segment, and the old cursor with the last one; the relay's cursor forgets it. */
export async function retireLegacySegment(
  root: string,
  file: TailedFile,
  log: RawLog,
  cursor: RelayCursor,
): Promise<void> {
  const last = log.next()?.legacy !== true;
  await rm(join(root, file.key), { force: true });
  if (last) await rm(join(root, 'outbox', 'cursor.json'), { force: true });
  cursor.delete(file.key);
}

async function readLegacyCursor(dir: string): Promise<{ segment: number; offset: number }> {
  try {
    const value = JSON.parse(await readFile(join(dir, 'cursor.json'), 'utf8')) as {
      segment?: unknown;
      offset?: unknown;
    };
    if (Number.isSafeInteger(value.segment) && Number.isSafeInteger(value.offset))
      return { segment: value.segment as number, offset: value.offset as number };
  } catch {
    // Missing or torn: everything still there is sent again (a repeat, never a gap).
  }
  return { segment: 0, offset: 0 };
}
