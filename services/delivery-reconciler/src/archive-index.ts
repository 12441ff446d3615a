import { scanArchive } from '@github-webhooks/archive';
import type { ObjectStore } from '@github-webhooks/object-store';
import type { HookRef } from './hooks';
import type { ArchiveIndex } from './ports';

/** The GitHub App's own hook: its deliveries carry this installation target type. */
const APP_TARGET = 'integration';

/**
 * Which GUIDs the archive holds, per hook, over a time range (raw and hourly files alike). One GUID
 * goes to every hook the event reaches, so the index keys on GUID and hook id; for the App's own
 * hook (whose id the reconciler is not told) on GUID and the App's installation target.
 */
export async function loadArchiveIndex(store: ObjectStore, from: Date, to: Date): Promise<ArchiveIndex> {
  const hooks = new Map<string, Set<string>>();
  const app = new Set<string>();
  for await (const { record } of scanArchive(store, { from, to })) {
    if (record.target?.type === APP_TARGET) app.add(record.delivery_id);
    if (record.hook_id === null) continue;
    const set = hooks.get(record.delivery_id) ?? new Set<string>();
    set.add(record.hook_id);
    hooks.set(record.delivery_id, set);
  }
  return {
    holds: (guid: string, hook: HookRef) =>
      hook.kind === 'app' ? app.has(guid) : hooks.get(guid)?.has(hook.id) === true,
  };
}
