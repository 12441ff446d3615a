import type { HookRef } from './hooks';
import type { ArchiveIndex, ReconcilePorts } from './ports';
import type { ReportItem } from './report';
import type { RuleOptions } from './rule';

/** Calls to GitHub kept in reserve by default (ReconcileOptions.reserve). */
export const DEFAULT_RESERVE = 50;

/**
 * How long after GitHub saw a 2xx the archive may still lack the record: an S3 archive gets it
 * through Firehose's buffer (up to 15 min), a local one at once (ReconcileOptions.archiveGraceMs).
 */
export const ARCHIVE_GRACE_MS = { s3: 20 * 60_000, local: 60_000 } as const;

export interface ReconcileOptions {
  readonly hooks: readonly HookRef[];
  /** The window's start: attempts before it are not read. */
  readonly since: Date;
  /** How long GitHub keeps the log: 72 h on github.com, 7 days on GitHub Enterprise Server. */
  readonly retentionMs: number;
  readonly maxRedeliveries?: number;
  readonly dryRun?: boolean;
  /** Calls kept in reserve: a run stops cleanly (complete: false) when GitHub's budget falls to it. */
  readonly reserve?: number;
  /** Reads the whole window at most this often; in between, only what is newer than the last run. */
  readonly fullSweepEveryMs?: number;
  /** An attempt answered 2xx more recently than this may not be in the archive yet (Firehose buffers). */
  readonly archiveGraceMs?: number;
  readonly firstSpacingMs?: number;
  readonly expiringWithinMs?: number;
}

export interface Tally {
  attempts: number;
  deliveries: number;
  delivered: number;
  redelivered: number;
  waiting: number;
  gave_up: number;
  expiring: number;
  api_calls: number;
  complete: boolean;
  readonly items: ReportItem[];
}

export const emptyTally = (): Tally => ({
  attempts: 0,
  deliveries: 0,
  delivered: 0,
  redelivered: 0,
  waiting: 0,
  gave_up: 0,
  expiring: 0,
  api_calls: 0,
  complete: true,
  items: [],
});

/** What one hook's reconciliation reads and adds to. */
export interface HookRun {
  readonly options: ReconcileOptions;
  readonly ports: ReconcilePorts;
  readonly rule: RuleOptions;
  readonly index: ArchiveIndex | undefined;
  readonly tally: Tally;
}
