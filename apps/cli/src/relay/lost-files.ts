import type { Logger } from '@github-webhooks/runtime';
import { RawFileGoneError } from '../errors';
import type { PrunedFile } from './cursor-saver';

/** Bytes of a raw file that were never relayed because the file is gone (to its end if unknown). */
export interface LostRange {
  readonly key: string;
  readonly fromOffset: number;
  readonly toOffset: number | undefined;
}

/**
 * Raw files that went before the relay read them: their records never reached the broker. Each is
 * logged once; together they keep the relay unhealthy until a person looks (a restart).
 */
export class LostFiles {
  private readonly lost: RawFileGoneError[] = [];
  private found: number | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly clock: () => number,
  ) {}

  /** Since when the relay knows of a lost file (ms since the epoch), if it does. */
  get since(): number | undefined {
    return this.found;
  }

  /** The line to show for them, if any. */
  get error(): string | undefined {
    const first = this.lost[0];
    if (first === undefined) return undefined;
    return this.lost.length === 1
      ? first.message
      : `${first.message} (and ${this.lost.length - 1} more files)`;
  }

  get ranges(): LostRange[] {
    return this.lost.map(({ key, fromOffset, toOffset }) => ({ key, fromOffset, toOffset }));
  }

  report(error: RawFileGoneError): void {
    this.lost.push(error);
    this.found ??= this.clock();
    this.logger.error('raw file gone before the relay read it; its public records never reached the broker', {
      key: error.key,
      from_offset: error.fromOffset,
      ...(error.toOffset === undefined
        ? {}
        : { to_offset: error.toOffset, lost_bytes: error.toOffset - error.fromOffset }),
    });
  }

  /** Files the cursor still had, not read to their end, that are gone (found at start or on a prune). */
  noteGone(pruned: readonly PrunedFile[]): void {
    for (const { key, position } of pruned)
      if (!position.done) this.report(new RawFileGoneError(key, position.offset, undefined));
  }
}
