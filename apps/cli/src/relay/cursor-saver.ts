import type { FilePosition } from './relay-cursor';

/** A file the cursor forgot because it is gone, with its last position. */
export interface PrunedFile {
  readonly key: string;
  readonly position: FilePosition;
}

/** What the saver needs of the cursor (RelayCursor). */
export interface SavableCursor {
  save(): Promise<void>;
  prune(): Promise<readonly PrunedFile[]>;
}

export interface CursorSaverOptions {
  readonly clock: () => number;
  /** Told of the files each prune found gone. */
  readonly onPrune: (pruned: readonly PrunedFile[]) => void;
  /** Progress over passed (private) records only is saved at most this often. Default 5 s. */
  readonly passedSaveMs?: number;
  /** The cursor forgets files that are gone once every this many saves. Default 64. */
  readonly pruneEvery?: number;
}

/**
 * When the relay's cursor is written. It is saved at once when it covers confirmed records (or a
 * file done: the caller forces it); progress over private records only is saved at most every few
 * seconds (reading them again after a crash costs little and publishes nothing).
 */
export class CursorSaver {
  private dirty = false;
  /** Records settled since the cursor was saved were published or dead-lettered (not just passed). */
  private dirtyConfirmed = false;
  private savedAt = 0;
  private saves = 0;

  constructor(
    private readonly cursor: SavableCursor,
    private readonly options: CursorSaverOptions,
  ) {}

  /** The cursor moved: over confirmed records, or over passed ones only. */
  moved(confirmed: boolean): void {
    this.dirty = true;
    this.dirtyConfirmed ||= confirmed;
  }

  /** Saves the cursor if forced, or if it moved and is due (see the class). */
  async save(force: boolean): Promise<void> {
    const { clock, passedSaveMs = 5_000, pruneEvery = 64 } = this.options;
    if (!force && !this.dirty) return;
    if (!force && !this.dirtyConfirmed && clock() - this.savedAt < passedSaveMs) return;
    if (++this.saves % pruneEvery === 0) this.options.onPrune(await this.cursor.prune());
    await this.cursor.save();
    this.dirty = false;
    this.dirtyConfirmed = false;
    this.savedAt = clock();
  }
}
