import type { ObjectStore } from '@github-webhooks/object-store';
import { noMetrics, silentLogger } from '@github-webhooks/runtime';
import { ManifestBook } from './manifest';
import type { CompactorMetrics, Logger, ProgressEvent } from './ports';

export type Disposal = 'delete' | 'tag';

export interface CompactorOptions {
  readonly store: ObjectStore;
  /** The run's clock: closes hours, stamps manifests. */
  readonly now: Date;
  readonly logger?: Logger;
  readonly metrics?: CompactorMetrics;
  readonly onProgress?: (event: ProgressEvent) => void;
  /** What happens to raw objects once every hour they hold is compacted. Default `delete`. */
  readonly disposal?: Disposal;
  /** Tags set in `tag` mode, for a lifecycle rule to expire. Default `archive-compactor=compacted`. */
  readonly expiryTags?: Readonly<Record<string, string>>;
  /** gzip level of the hourly files. Default 6. */
  readonly gzipLevel?: number;
  /** Bytes of out-of-order lines pass 2 may hold in memory. Default 64 MiB. */
  readonly stashBytes?: number;
  /** Source objects pass 2 keeps open at once (S3 connections). Default 16. */
  readonly maxOpenSources?: number;
  /**
   * Whether a covered raw object may be deleted (or tagged) now. Locally: not while the archive may
   * still append to it, nor before the relay has passed it. Default: always.
   */
  readonly disposable?: (key: string) => boolean;
  /**
   * Aborted when the run must stop (its lease on the archive was lost): checked before each hour
   * and before raw objects are disposed of, so a run that lost the archive deletes nothing more.
   */
  readonly signal?: AbortSignal;
}

export interface Context {
  readonly store: ObjectStore;
  readonly now: Date;
  readonly logger: Logger;
  readonly metrics: CompactorMetrics;
  readonly progress: (event: ProgressEvent) => void;
  readonly disposal: Disposal;
  readonly expiryTags: Readonly<Record<string, string>>;
  readonly gzipLevel: number;
  readonly stashBytes: number;
  readonly maxOpenSources: number;
  readonly disposable: (key: string) => boolean;
  readonly signal: AbortSignal | undefined;
  readonly manifests: ManifestBook;
  /** Raw keys deleted or tagged during this run. */
  readonly disposed: Set<string>;
}

export const DEFAULT_EXPIRY_TAGS: Readonly<Record<string, string>> = { 'archive-compactor': 'compacted' };

export function createContext(options: CompactorOptions): Context {
  const gzipLevel = options.gzipLevel ?? 6;
  if (!Number.isInteger(gzipLevel) || gzipLevel < 1 || gzipLevel > 9) {
    throw new RangeError(`gzipLevel must be an integer 1..9, got ${gzipLevel}`);
  }
  return {
    store: options.store,
    now: options.now,
    logger: options.logger ?? silentLogger,
    metrics: options.metrics ?? noMetrics,
    progress: options.onProgress ?? (() => undefined),
    disposal: options.disposal ?? 'delete',
    expiryTags: options.expiryTags ?? DEFAULT_EXPIRY_TAGS,
    gzipLevel,
    stashBytes: options.stashBytes ?? 64 * 1024 * 1024,
    maxOpenSources: Math.max(options.maxOpenSources ?? 16, 1),
    disposable: options.disposable ?? (() => true),
    signal: options.signal,
    manifests: new ManifestBook(options.store),
    disposed: new Set(),
  };
}
