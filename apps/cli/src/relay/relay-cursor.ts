import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** How far the relay has read one file: every record before `offset` is published or settled. */
export interface FilePosition {
  readonly offset: number;
  /** The file is closed and read to its end: the compactor may delete it. */
  readonly done: boolean;
}

interface CursorFile {
  readonly version: 1;
  readonly files: Readonly<Record<string, FilePosition>>;
}

/**
 * The relay's durable position in the archive's raw files (`<archive>/relay/cursor.json`), keyed
 * by object key. Written (temporary file, then rename) only after the broker confirmed what it
 * covers, so a crash or a lost cursor republishes records, never skips one.
 */
export class RelayCursor {
  private constructor(
    private readonly root: string,
    private readonly path: string,
    private readonly positions: Map<string, FilePosition>,
  ) {}

  static async load(root: string, dir: string): Promise<RelayCursor> {
    const path = join(dir, 'cursor.json');
    return new RelayCursor(root, path, await readPositions(path));
  }

  get(key: string): FilePosition | undefined {
    return this.positions.get(key);
  }

  set(key: string, position: FilePosition): void {
    this.positions.set(key, position);
  }

  delete(key: string): void {
    this.positions.delete(key);
  }

  get size(): number {
    return this.positions.size;
  }

  async save(): Promise<void> {
    const body: CursorFile = { version: 1, files: Object.fromEntries(this.positions) };
    const tmp = `${this.path}.tmp`;
    await writeFile(tmp, `${JSON.stringify(body)}\n`);
    await rename(tmp, this.path);
  }

  /**
   * Forgets files that are gone; returns them with their last positions. One compacted and deleted
   * was `done`; one that was not had records the relay never read.
   */
  async prune(): Promise<{ readonly key: string; readonly position: FilePosition }[]> {
    const pruned: { key: string; position: FilePosition }[] = [];
    for (const [key, position] of this.positions) {
      const gone = await stat(join(this.root, key)).then(
        () => false,
        (error: { code?: string }) => error.code === 'ENOENT',
      );
      if (gone) {
        this.positions.delete(key);
        pruned.push({ key, position });
      }
    }
    return pruned;
  }
}

async function readPositions(path: string): Promise<Map<string, FilePosition>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return new Map();
    throw error;
  }
  const positions = new Map<string, FilePosition>();
  try {
    const value = JSON.parse(text) as Partial<CursorFile> | null;
    for (const [key, position] of Object.entries(value?.files ?? {})) {
      if (Number.isSafeInteger(position?.offset) && position.offset >= 0)
        positions.set(key, { offset: position.offset, done: position.done === true });
    }
  } catch {
    // Torn (it is not fsynced): every file is read again from its start; a repeat, never a gap.
    return new Map();
  }
  return positions;
}
