import type { Attempt } from './attempt';
import { CheckpointError } from './errors';
import type { CheckpointStore } from './ports';

/** What a run leaves for the next, per hook. Small: only the GUIDs not delivered are kept. */
export interface HookState {
  /** `delivered_at` of the newest attempt read: the next incremental scan stops there. */
  readonly newest?: string;
  /** When the window was last read whole, and from when. */
  readonly swept_at?: string;
  readonly swept_since?: string;
  /** Every attempt of the GUIDs not delivered (failed, waiting, given up), still in the window. */
  readonly open: readonly Attempt[];
  /** Redeliveries this reconciler asked for, by GUID, until their attempt shows in the log. */
  readonly requested: Readonly<Record<string, string>>;
}

export interface Checkpoint {
  readonly version: 1;
  readonly hooks: Readonly<Record<string, HookState>>;
}

export const EMPTY_HOOK_STATE: HookState = { open: [], requested: {} };

export async function loadCheckpoint(store: CheckpointStore): Promise<Checkpoint> {
  let text: string | undefined;
  try {
    text = await store.read();
  } catch (cause) {
    throw new CheckpointError('cannot read the reconcile checkpoint', { cause });
  }
  if (text === undefined) return { version: 1, hooks: {} };
  try {
    const value = JSON.parse(text) as Partial<Checkpoint>;
    if (value.version === 1 && value.hooks !== null && typeof value.hooks === 'object')
      return { version: 1, hooks: value.hooks };
  } catch {
    // Unreadable (a torn write): the next run sweeps the whole window, which is always correct.
  }
  return { version: 1, hooks: {} };
}

export async function saveCheckpoint(store: CheckpointStore, checkpoint: Checkpoint): Promise<void> {
  try {
    await store.write(`${JSON.stringify(checkpoint)}\n`);
  } catch (cause) {
    throw new CheckpointError('cannot write the reconcile checkpoint', { cause });
  }
}
