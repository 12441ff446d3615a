import { type ObjectStore, withLoggedLease } from '@github-webhooks/object-store';
import { describeError, silentLogger } from '@github-webhooks/runtime';
import type { Logger } from './ports';

/**
 * The one lease every compactor of an archive takes (the Lambda, `github-webhooks compact`, serve's
 * timer): two compactors merging one hour at once could each dispose of raw objects the other's
 * file does not hold yet, or rewrite the hour from less.
 */
export const COMPACTOR_LEASE_KEY = 'locks/archive-compactor.json';

/**
 * Renewed every third of it while a run works, so only a holder that crashed (or hung) lets it
 * lapse: the next run may then take it over. Shorter than the hour between the Lambda's runs, so a
 * run killed at its 15-minute timeout never makes the next one skip.
 */
export const COMPACTOR_LEASE_TTL_MS = 10 * 60_000;

export interface CompactorLeaseOptions {
  readonly store: ObjectStore;
  /** Who compacts, for the lease object and the message another compactor gets. */
  readonly holder: string;
  /** A local directory: a lease left by a dead process of this machine is taken over at once. */
  readonly local?: boolean;
  readonly logger?: Logger;
  readonly ttlMs?: number;
}

/**
 * Runs `work` holding the archive's compactor lease, given a signal that aborts if the lease is lost
 * (the run then stops before deleting anything more). Throws LeaseHeldError, naming the holder, when
 * another compactor has it.
 */
export function withCompactorLease<T>(
  options: CompactorLeaseOptions,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  return withLoggedLease(
    {
      store: options.store,
      key: COMPACTOR_LEASE_KEY,
      holder: options.holder,
      ttlMs: options.ttlMs ?? COMPACTOR_LEASE_TTL_MS,
      takeOverDeadProcesses: options.local === true,
      name: 'compactor',
      whenLost: 'the run stops before disposing of anything more',
      logger: options.logger ?? silentLogger,
      describeError,
    },
    work,
  );
}
