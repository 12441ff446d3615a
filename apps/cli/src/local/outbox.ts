import { mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GroupCommitFile } from './group-commit-file';

export interface OutboxEntry {
  readonly body: string;
  /** Where the entry ends: acknowledging it moves the cursor here. */
  readonly position: Position;
}

interface Position {
  readonly segment: number;
  readonly offset: number;
}

const SEGMENT = /^(\d{12})\.ndjson$/;
const segmentName = (n: number) => `${String(n).padStart(12, '0')}.ndjson`;

/**
 * A durable FIFO of messages waiting for the broker. Appends are fsynced (group commit) before
 * they resolve; a cursor file records what the broker has confirmed. After a crash or an outage,
 * everything after the cursor is delivered again: consumers may see a duplicate, never a gap.
 * Memory holds positions, not messages: entries are read back from disk in batches.
 */
export class Outbox {
  private writer: GroupCommitFile;
  private cursor: Position;
  private pendingCount: number;
  private readonly listeners = new Set<() => void>();
  private rotating: Promise<void> | undefined;
  /** The oldest segment that may still be on disk. */
  private oldestSegment = 0;

  private constructor(
    private readonly dir: string,
    writer: GroupCommitFile,
    private writerSegment: number,
    cursor: Position,
    pending: number,
    private readonly maxSegmentBytes: number,
  ) {
    this.writer = writer;
    this.cursor = cursor;
    this.pendingCount = pending;
  }

  static async open(dir: string, options: { maxSegmentBytes?: number } = {}): Promise<Outbox> {
    await mkdir(dir, { recursive: true });
    const segments = await listSegments(dir);
    const cursor = await readCursor(dir, segments[0] ?? 0);
    let last = segments.at(-1) ?? cursor.segment;
    // After a crash mid-append the last segment may end in a torn line: never append after it.
    if (await endsTorn(join(dir, segmentName(last)))) last += 1;
    const writer = await GroupCommitFile.open(join(dir, segmentName(last)));
    const outbox = new Outbox(dir, writer, last, cursor, 0, options.maxSegmentBytes ?? 16 * 1024 * 1024);
    outbox.oldestSegment = segments[0] ?? last;
    outbox.pendingCount = await outbox.countFrom(cursor);
    await outbox.removeSegmentsBefore(cursor.segment);
    return outbox;
  }

  /** Messages appended and not yet acknowledged. */
  get pending(): number {
    return this.pendingCount;
  }

  /** Calls `listener` whenever something is appended. */
  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async append(body: string): Promise<void> {
    if (body.includes('\n')) throw new TypeError('outbox messages are single lines');
    // One rotation at a time: concurrent appends wait for it and then use the new segment.
    while (this.rotating || this.writer.committedBytes >= this.maxSegmentBytes || this.writer.isBroken) {
      this.rotating ??= this.startSegment().finally(() => {
        this.rotating = undefined;
      });
      await this.rotating;
    }
    await this.writer.append(`${body}\n`);
    this.pendingCount += 1;
    for (const listener of this.listeners) listener();
  }

  /** Up to `max` entries after the cursor, in order (only what is already on disk). */
  async peek(max: number, maxBytes = 4 * 1024 * 1024): Promise<OutboxEntry[]> {
    const entries: OutboxEntry[] = [];
    let { segment, offset } = this.cursor;
    while (entries.length < max && segment <= this.writerSegment) {
      const isWriter = segment === this.writerSegment;
      const want = isWriter ? Math.min(maxBytes, this.writer.committedBytes - offset) : maxBytes;
      const chunk = await readRange(join(this.dir, segmentName(segment)), offset, want);
      let start = 0;
      for (let nl = chunk.indexOf(0x0a); nl !== -1 && entries.length < max; nl = chunk.indexOf(0x0a, start)) {
        entries.push({
          body: chunk.toString('utf8', start, nl),
          position: { segment, offset: offset + nl + 1 },
        });
        start = nl + 1;
      }
      if (start > 0) {
        offset += start;
        continue;
      }
      if (chunk.length >= maxBytes) throw new Error(`outbox line longer than ${maxBytes} bytes`);
      if (isWriter) break;
      // The end of a finished segment; a torn last line (a crash mid-append) is never acknowledged data.
      segment += 1;
      offset = 0;
    }
    return entries;
  }

  /** Everything up to and including `entry` has been confirmed by the broker. */
  async acknowledge(entries: readonly OutboxEntry[]): Promise<void> {
    const last = entries.at(-1);
    if (!last) return;
    // Not fsynced: a cursor lost in a crash only means messages are sent again (never a gap).
    const tmp = join(this.dir, 'cursor.json.tmp');
    await writeFile(tmp, JSON.stringify(last.position));
    await rename(tmp, join(this.dir, 'cursor.json'));
    this.cursor = last.position;
    this.pendingCount -= entries.length;
    await this.removeSegmentsBefore(this.cursor.segment);
  }

  async close(): Promise<void> {
    await this.writer.close();
  }

  /** Deletes every segment wholly before `segment`, the oldest first (any left by an earlier run too). */
  private async removeSegmentsBefore(segment: number): Promise<void> {
    for (; this.oldestSegment < segment; this.oldestSegment++) {
      await rm(join(this.dir, segmentName(this.oldestSegment)), { force: true });
    }
  }

  private async startSegment(): Promise<void> {
    const previous = this.writer;
    this.writerSegment += 1;
    this.writer = await GroupCommitFile.open(join(this.dir, segmentName(this.writerSegment)));
    await previous.close();
    // The cursor may now sit at the end of a finished segment; move it on so the segment can go.
    if (this.cursor.segment === this.writerSegment - 1 && this.cursor.offset >= previous.committedBytes) {
      this.cursor = { segment: this.writerSegment, offset: 0 };
    }
  }

  private async countFrom(position: Position): Promise<number> {
    let count = 0;
    for (let segment = position.segment; segment <= this.writerSegment; segment++) {
      const data = await readFile(join(this.dir, segmentName(segment))).catch(() => Buffer.alloc(0));
      const from = segment === position.segment ? position.offset : 0;
      for (let i = data.indexOf(0x0a, from); i !== -1; i = data.indexOf(0x0a, i + 1)) count += 1;
    }
    return count;
  }
}

async function listSegments(dir: string): Promise<number[]> {
  const names = await readdir(dir);
  return names
    .map((name) => SEGMENT.exec(name)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

async function readCursor(dir: string, firstSegment: number): Promise<Position> {
  let text: string;
  try {
    text = await readFile(join(dir, 'cursor.json'), 'utf8');
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') throw error;
    return { segment: firstSegment, offset: 0 };
  }
  try {
    const value = JSON.parse(text) as Partial<Position> | null;
    if (Number.isInteger(value?.segment) && Number.isInteger(value?.offset)) return value as Position;
  } catch {
    // Torn by a crash (the cursor is not fsynced): fall through.
  }
  // Sending everything still on disk again may repeat messages; it never skips one.
  return { segment: firstSegment, offset: 0 };
}

async function endsTorn(path: string): Promise<boolean> {
  const data = await readFile(path).catch(() => Buffer.alloc(0));
  return data.length > 0 && data[data.length - 1] !== 0x0a;
}

async function readRange(path: string, offset: number, length: number): Promise<Buffer> {
  if (length <= 0) return Buffer.alloc(0);
  const handle = await open(path, 'r').catch((error: { code?: string }) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (!handle) return Buffer.alloc(0);
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, offset);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
