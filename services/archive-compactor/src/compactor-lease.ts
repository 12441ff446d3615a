import { type ObjectStore, withLease } from '@github-webhooks/object-store';
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
  const logger = options.logger ?? silentLogger;
  return withLease(
    {
      store: options.store,
      key: COMPACTOR_LEASE_KEY,
      holder: options.holder,
      ttlMs: options.ttlMs ?? COMPACTOR_LEASE_TTL_MS,
      takeOverDeadProcesses: options.local === true,
      onLost: (error) =>
        logger.error('compactor lease lost; the run stops before disposing of anything more', {
          lease: COMPACTOR_LEASE_KEY,
          error: describeError(error),
        }),
    },
    async (lease) => {
      const before = lease.tookOver;
      if (before !== undefined) {
        logger.warn('took over the compactor lease of a holder that expired or died', {
          lease: COMPACTOR_LEASE_KEY,
          previous_holder: before.holder,
          previous_host: before.host,
          previous_pid: before.pid,
          previous_expires_at: before.expires_at,
        });
      }
      return work(lease.signal);
    },
  );
}
