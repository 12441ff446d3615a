import type { Outcome, QueueMessage } from '@github-webhooks/pulse-republisher';
import type { Logger } from '@github-webhooks/runtime';
import type { RawFileChange } from '../local/disk-archive';
import type { LostRange } from './lost-files';
import type { Timers } from './waker';

export interface ArchiveRelayOptions {
  /** The archive directory: raw files under `raw/`, the cursor under `relay/`. */
  readonly root: string;
  /** The archive this process appends to, followed through its commit notifications. */
  readonly archive: { onChange(listener: (change: RawFileChange) => void): () => void };
  /** The pulse-republisher's batch use case, wired to the AMQP publisher. */
  readonly republish: (messages: readonly QueueMessage[]) => Promise<Outcome[]>;
  /** Keeps records that can never be published (the local dead-letter queue). */
  readonly deadLetter: (line: string) => Promise<void>;
  readonly logger: Logger;
  /** Public records per batch. Default 512. */
  readonly batchSize?: number;
  /**
   * Bytes read per batch (more for a single longer record). Default 16 MiB: enough large records
   * at once to keep the broker's confirms coming (a 1 MiB push: 16 in flight, 16 more read ahead).
   */
  readonly maxBatchBytes?: number;
  readonly minRetryMs?: number;
  readonly maxRetryMs?: number;
  /**
   * Tries of the first waiting record, with the broker reachable, before it is dead-lettered (a
   * message the broker refuses, or a queue that nacks). Failures while the broker cannot be reached
   * do not count: an outage delays, it never dead-letters. Default 5.
   */
  readonly maxAttempts?: number;
  readonly clock?: () => number;
  /** What the loop's sleeps (back-off, waiting for records) run on. Default the global timers. */
  readonly timers?: Timers;
}

export interface RelayState {
  /** Public deliveries this process accepted that the broker has not confirmed yet. */
  readonly pending: number;
  /** Age of the oldest record not yet relayed (0 when caught up). */
  readonly lagSeconds: number;
  /** Archive bytes not yet read (earlier runs' included). */
  readonly backlogBytes: number;
  readonly published: number;
  readonly deadLettered: number;
  readonly retrying: boolean;
  readonly lastError: string | undefined;
  /** Since when the first waiting record has kept failing (ms since the epoch), if it has. */
  readonly stuckSince: number | undefined;
  /** Tries of the first waiting record so far. */
  readonly attempts: number;
  /** Raw files that went before the relay read them: their records never reached the broker. */
  readonly lost: readonly LostRange[];
}
