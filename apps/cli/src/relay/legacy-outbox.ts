import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { RawLog } from './raw-log';

const SEGMENT = /^\d{12}\.ndjson$/;

/**
 * Earlier versions kept public deliveries in a second durable copy, `<archive>/outbox/`. What was
 * still waiting there is relayed first, from that outbox's own cursor, and each segment deleted
 * once relayed; its dead-letter file is left where it is.
 */
export async function addLegacyOutbox(root: string, log: RawLog): Promise<number> {
  const dir = join(root, 'outbox');
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => SEGMENT.test(n)).sort();
  if (names.length === 0) return 0;
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
  return added;
}

/** Deletes a drained segment, and the old cursor with the last one. */
export async function removeLegacySegment(root: string, key: string, last: boolean): Promise<void> {
  await rm(join(root, key), { force: true });
  if (last) await rm(join(root, 'outbox', 'cursor.json'), { force: true });
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
