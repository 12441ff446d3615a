import type { LeaseHeldError } from './errors';
import { type LeaseOptions, withLease } from './object-lease';

/** Where a lease's events are told (the services' Logger fits). */
export interface LeaseLogger {
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface LoggedLeaseOptions extends Omit<LeaseOptions, 'onLost'> {
  /** What holds the lease, in the log messages: e.g. `compactor`, `reconciler`. */
  readonly name: string;
  /** What losing it means for the work, after "<name> lease lost; ". */
  readonly whenLost: string;
  readonly logger?: LeaseLogger;
  /** How an error is written into a log record (the services' describeError); name and message otherwise. */
  readonly describeError?: (error: unknown) => unknown;
}

/**
 * One run of a job that must never run twice at once (the compactor, the delivery reconciler), on
 * any ObjectStore: `work` runs holding the lease `key`, given a signal that aborts when the lease is
 * lost; taking over an expired (or dead) holder's lease and losing one are logged. Throws
 * LeaseHeldError, naming the holder, when another run has it: `leaseHeldFields` says who in a log
 * record.
 */
export function withLoggedLease<T>(
  options: LoggedLeaseOptions,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const { name, whenLost, logger, describeError = brief, ...lease } = options;
  return withLease(
    {
      ...lease,
      onLost: (error) =>
        logger?.error(`${name} lease lost; ${whenLost}`, { lease: lease.key, error: describeError(error) }),
    },
    async (held) => {
      const before = held.tookOver;
      if (before !== undefined) {
        logger?.warn(`took over the ${name} lease of a holder that expired or died`, {
          lease: lease.key,
          previous_holder: before.holder,
          previous_host: before.host,
          previous_pid: before.pid,
          previous_expires_at: before.expires_at,
        });
      }
      return work(held.signal);
    },
  );
}

/** Who holds a lease another run found taken, as fields of the log record saying it was skipped. */
export function leaseHeldFields(error: LeaseHeldError): Record<string, string | number> {
  return {
    lease: error.key,
    holder: error.current.holder,
    holder_host: error.current.host,
    holder_pid: error.current.pid,
    expires_at: error.current.expires_at,
  };
}

const brief = (error: unknown) =>
  error instanceof Error ? { name: error.name, message: error.message } : { message: String(error) };
