import {
  isLeaseHeld,
  leaseHeldFields,
  type ObjectStore,
  withLoggedLease,
} from '@github-webhooks/object-store';
import { describeError, type Logger } from '@github-webhooks/runtime';
import { objectCheckpoint } from './checkpoint-store';
import type { CheckpointStore } from './ports';

/**
 * The one lease every reconciler of a bucket takes. Its checkpoint is last-writer-wins: two runs at
 * once would each write what they read, and the slower one would undo the other's progress (and
 * both would ask GitHub for the same redeliveries). Reserved concurrency used to keep runs apart;
 * it is opt-in now (a new account's concurrency quota may not allow any), so the lease does.
 */
export const RECONCILER_LEASE_KEY = 'locks/delivery-reconciler.json';

/** The checkpoint the Lambda keeps in the bucket. */
export const CHECKPOINT_KEY = 'reconcile/checkpoint.json';

/**
 * Renewed every third of it while a run works. Shorter than the gap between a run killed at the
 * function's timeout (240 s) and the next scheduled run (300 s after the previous one started), so
 * a crashed run never makes the next one skip.
 */
export const RECONCILER_LEASE_TTL_MS = 60_000;

export interface ExclusiveReconcileOptions {
  readonly store: ObjectStore;
  /** Who reconciles, for the lease object and the message another run gets. */
  readonly holder: string;
  readonly logger: Logger;
  readonly checkpointKey?: string;
  readonly ttlMs?: number;
}

/** A run that found the lease held: it did nothing. */
export interface SkippedRun {
  readonly skipped: true;
  /** Who holds the lease, and until when. */
  readonly locked_by: string;
}

/**
 * Runs one reconciliation holding the reconciler's lease, given the checkpoint in the bucket. A
 * run that finds the lease held does nothing and says who holds it. The checkpoint refuses to be
 * written once the lease is lost (another run took it over after it expired): that run's newer
 * checkpoint stays.
 */
export async function reconcileExclusively<T>(
  options: ExclusiveReconcileOptions,
  work: (checkpoint: CheckpointStore) => Promise<T>,
): Promise<T | SkippedRun> {
  const { store, logger } = options;
  try {
    return await withLoggedLease(
      {
        store,
        key: RECONCILER_LEASE_KEY,
        holder: options.holder,
        ttlMs: options.ttlMs ?? RECONCILER_LEASE_TTL_MS,
        name: 'reconciler',
        whenLost: 'the run keeps its checkpoint unwritten',
        logger,
        describeError,
      },
      (signal) => work(guarded(objectCheckpoint(store, options.checkpointKey ?? CHECKPOINT_KEY), signal)),
    );
  } catch (error) {
    if (!isLeaseHeld(error)) throw error;
    logger.warn('reconciliation skipped: another reconciler holds the lease', leaseHeldFields(error));
    return { skipped: true, locked_by: error.message };
  }
}

function guarded(checkpoint: CheckpointStore, signal: AbortSignal): CheckpointStore {
  return {
    read: () => checkpoint.read(),
    write: (text) => {
      signal.throwIfAborted();
      return checkpoint.write(text);
    },
  };
}
