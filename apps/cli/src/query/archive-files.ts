import { join } from 'node:path';
import type { ObjectStore } from '@github-webhooks/object-store';
import type { ArchiveFiles } from './archive-view';

/** The data files of a local archive directory, as paths DuckDB reads. */
export async function listArchiveFiles(store: ObjectStore, root: string): Promise<ArchiveFiles> {
  const hourly: string[] = [];
  const raw: string[] = [];
  for await (const object of store.list('hourly/'))
    if (object.key.endsWith('.ndjson.gz') && object.size > 0) hourly.push(join(root, object.key));
  for await (const object of store.list('raw/')) if (object.size > 0) raw.push(join(root, object.key));
  return { hourly, raw };
}
