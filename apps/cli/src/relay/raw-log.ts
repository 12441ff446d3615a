import { open, readdir, stat } from 'node:fs/promises';
import { basename, join, sep } from 'node:path';
import { RawFileGoneError } from '../errors';
import { LOCAL_RAW_FILE, type RawFileChange } from '../local/disk-archive';
import type { ByteRange } from '../local/group-commit-file';
import type { RelayCursor } from './relay-cursor';

/** One file the relay tails. Only bytes before `readable` are on disk (committed). */
export interface TailedFile {
  readonly key: string;
  readonly path: string;
  readable: number;
  /** Never appended to again: once read to its end, it is done. */
  closed: boolean;
  /** Being written by this process (its public records were counted as accepted). */
  live: boolean;
  /**
   * Written by this process from its start, so `unmarked` lists every record not marked private:
   * the rest of the file need not be read back.
   */
  exact: boolean;
  /** Byte ranges of the records not marked private, in order (for exact files). */
  readonly unmarked: ByteRange[];
  offset: number;
  done: boolean;
}

export interface LogLine {
  /** The record's bytes (a view of the chunk read: nothing is decoded or copied). */
  readonly bytes: Buffer;
  /** The offset just past the line's newline. */
  readonly end: number;
}

export interface LogChunk {
  readonly lines: readonly LogLine[];
  /** Bytes after the last newline of a closed file: a line torn by a crash, never acknowledged. */
  readonly tornBytes: number;
}

/**
 * The archive's raw files as one log, in the order they were started (their names begin with the
 * time of their first record): those left by earlier runs, found at start, and those this process
 * writes, followed through the archive's commit notifications. Reads stop at committed bytes.
 */
export class RawLog {
  private readonly files = new Map<string, TailedFile>();
  private order: TailedFile[] = [];

  constructor(
    private readonly root: string,
    private readonly cursor: RelayCursor,
  ) {}

  /** Registers the raw files on disk now (all closed: this process has not opened any yet). */
  async scan(): Promise<void> {
    const entries = await readdir(join(this.root, 'raw'), { recursive: true }).catch(
      (error: { code?: string }) => {
        if (error.code === 'ENOENT') return [] as string[];
        throw error;
      },
    );
    for (const entry of entries) {
      const key = `raw/${entry.split(sep).join('/')}`;
      if (!LOCAL_RAW_FILE.test(key) || this.files.has(key)) continue;
      const path = join(this.root, key);
      const size = await stat(path).then(
        (s) => s.size,
        () => undefined,
      );
      if (size !== undefined)
        this.add({ key, path, readable: size, closed: true, live: false, exact: false });
    }
  }

  /** Follows the archive: a file opened, a batch committed, a file closed. */
  apply(change: RawFileChange): void {
    let known = this.files.get(change.key);
    if (known === undefined) {
      const { key, path, closed } = change;
      // Seen from its first byte, so every record of it is known: exact.
      const exact = change.committedBytes === 0;
      known = this.add({ key, path, closed, readable: 0, live: true, exact });
    }
    known.readable = Math.max(known.readable, change.committedBytes);
    known.closed ||= change.closed;
    known.live = true;
    known.unmarked.push(...change.unmarked);
  }

  /**
   * For an exact file: the offset up to which nothing needs reading (every record before it is
   * marked private), so the relay can pass it without a read.
   */
  skippable(file: TailedFile, from = file.offset): number {
    if (!file.exact) return from;
    while (file.unmarked.length > 0 && (file.unmarked[0] as ByteRange).end <= file.offset)
      file.unmarked.shift();
    const next = file.unmarked.find((range) => range.end > from);
    return next === undefined ? file.readable : Math.max(from, next.start);
  }

  /** The first file with something left to read (or to finish), in order. */
  next(): TailedFile | undefined {
    return this.order.find((file) => !file.done && (file.offset < file.readable || file.closed));
  }

  /**
   * Complete lines from the file's offset, up to about `maxBytes` (more for a single longer line).
   * Records are never split: what follows the last newline is left for later, or, in a closed file,
   * reported as torn.
   */
  async read(file: TailedFile, maxBytes: number, from = file.offset): Promise<LogChunk> {
    const available = file.readable - from;
    if (available <= 0) return { lines: [], tornBytes: 0 };
    const handle = await open(file.path, 'r').catch((error: { code?: unknown }) => {
      throw error.code === 'ENOENT'
        ? new RawFileGoneError(file.key, from, file.readable, { cause: error })
        : error;
    });
    try {
      for (let want = Math.min(available, maxBytes); ; want = Math.min(available, want * 2)) {
        const buffer = Buffer.allocUnsafe(want);
        const { bytesRead } = await handle.read(buffer, 0, want, from);
        const lines = splitLines(buffer.subarray(0, bytesRead), from);
        if (lines.length > 0) return { lines, tornBytes: 0 };
        if (bytesRead < want || want >= available) {
          // No newline in all there is: only a closed file's torn last line looks like this.
          return { lines: [], tornBytes: file.closed ? bytesRead : 0 };
        }
      }
    } finally {
      await handle.close();
    }
  }

  /** Records everything before `offset` as settled; a closed file read to its end is done. */
  advance(file: TailedFile, offset: number, torn = false): void {
    file.offset = Math.max(file.offset, offset);
    if (file.closed && (file.offset >= file.readable || torn)) file.done = true;
    this.cursor.set(file.key, { offset: file.offset, done: file.done });
  }

  /** Gives up a file that is gone: nothing more can be read of it, and the cursor forgets it. */
  drop(key: string): void {
    const file = this.files.get(key);
    if (file !== undefined) {
      file.closed = true;
      file.done = true;
    }
    this.cursor.delete(key);
  }

  /** Committed bytes not yet read, over all files. */
  get backlogBytes(): number {
    let bytes = 0;
    for (const file of this.order) if (!file.done) bytes += Math.max(0, file.readable - file.offset);
    return bytes;
  }

  /** Forgets files that are gone (the cursor pruned them). */
  forget(keys: readonly string[]): void {
    if (keys.length === 0) return;
    for (const key of keys) this.files.delete(key);
    this.order = this.order.filter((file) => this.files.has(file.key));
  }

  private add(file: Omit<TailedFile, 'offset' | 'done' | 'unmarked'>): TailedFile {
    const position = this.cursor.get(file.key);
    const tailed: TailedFile = {
      ...file,
      offset: position?.offset ?? 0,
      done: (position?.done ?? false) && file.closed,
      unmarked: [],
    };
    this.files.set(file.key, tailed);
    this.order.push(tailed);
    this.order.sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
    return tailed;
  }
}

/** Raw files by name: the time of their first record. */
const sortKey = (file: TailedFile): string => basename(file.key);

function splitLines(chunk: Buffer, base: number): LogLine[] {
  const lines: LogLine[] = [];
  let start = 0;
  for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
    lines.push({ bytes: chunk.subarray(start, nl), end: base + nl + 1 });
    start = nl + 1;
  }
  return lines;
}
