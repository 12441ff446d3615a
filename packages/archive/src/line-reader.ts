import { pipeline, Readable } from 'node:stream';
import { createGunzip, constants as zlibConstants } from 'node:zlib';

export interface Line {
  /** Position among the non-blank lines of the object (the same in every pass). */
  readonly index: number;
  /** The bytes as stored, with the trailing newline when there is one. */
  readonly raw: Buffer;
  /** Without leading/trailing ASCII whitespace. */
  readonly content: Buffer;
}

export interface ReadFailure {
  readonly reason: string;
  /** The incomplete line the stream broke in. */
  readonly text: string;
}

const CHUNK = 256 * 1024;

export type OpenBytes = () => Promise<AsyncIterable<Uint8Array>>;

/**
 * Splits an object's bytes into lines, gunzipping when it starts with the gzip magic bytes (as
 * readRecords does). Blank lines are skipped. A corrupt or truncated gzip stream ends the lines
 * and is kept in `failure` instead of thrown; other errors (network) are thrown.
 *
 * zlib drops the output it holds when it reports a truncated stream, so before giving up the
 * object is read once more, decompressed with Z_SYNC_FLUSH (which yields all that can be
 * decompressed, without the error), and the lines resume where the first read stopped: nothing
 * decompressible is lost, whatever the chunk sizes, the same lines in every pass.
 */
export class LineReader {
  failure: ReadFailure | undefined;
  private pieces: Buffer[] = [];
  private pending = 0;
  private index = 0;
  /** Decompressed bytes split so far (lines and the pending piece). */
  private consumed = 0;

  private readonly onRawChunk: ((chunk: Uint8Array) => void) | undefined;
  private readonly salvageTruncated: boolean;

  constructor(
    private readonly open: OpenBytes,
    options: {
      /** Sees every byte as read (before gunzip), e.g. to hash the object in the same pass. */
      readonly onRawChunk?: (chunk: Uint8Array) => void;
      /** Re-read a truncated gzip object to recover what it still holds. Default true: `open` must open it afresh. */
      readonly salvage?: boolean;
    } = {},
  ) {
    this.onRawChunk = options.onRawChunk;
    this.salvageTruncated = options.salvage ?? true;
  }

  async *lines(): AsyncGenerator<Line> {
    try {
      for await (const chunk of decompressed(await this.open(), { onRawChunk: this.onRawChunk })) {
        yield* this.split(chunk);
      }
    } catch (error) {
      if (!isZlibError(error)) throw error;
      if (this.salvageTruncated) yield* this.salvage();
      this.failure = {
        reason: `corrupt or truncated gzip: ${error.message}`,
        text: Buffer.concat(this.pieces, this.pending).toString('utf8'),
      };
      return;
    }
    if (this.pending > 0) {
      const raw = Buffer.concat(this.pieces, this.pending);
      const content = trimAscii(raw);
      if (content.length > 0) yield { index: this.index, raw, content };
    }
  }

  private async *salvage(): AsyncGenerator<Line> {
    let skip = this.consumed;
    try {
      for await (const chunk of decompressed(await this.open(), { tolerant: true })) {
        if (skip >= chunk.length) {
          skip -= chunk.length;
          continue;
        }
        yield* this.split(skip > 0 ? chunk.subarray(skip) : chunk);
        skip = 0;
      }
    } catch (error) {
      // Corrupt (not only truncated): what was decompressed before the damage is all there is.
      if (!isZlibError(error)) throw error;
    }
  }

  private *split(chunk: Buffer): Generator<Line> {
    this.consumed += chunk.length;
    let start = 0;
    for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
      const piece = chunk.subarray(start, nl + 1);
      const raw =
        this.pending === 0 ? piece : Buffer.concat([...this.pieces, piece], this.pending + piece.length);
      this.pieces = [];
      this.pending = 0;
      start = nl + 1;
      const content = trimAscii(raw);
      if (content.length > 0) yield { index: this.index++, raw, content };
    }
    if (start < chunk.length) {
      this.pieces.push(chunk.subarray(start));
      this.pending += chunk.length - start;
    }
  }
}

async function* decompressed(
  source: AsyncIterable<Uint8Array>,
  options: { onRawChunk?: ((chunk: Uint8Array) => void) | undefined; tolerant?: boolean },
): AsyncGenerator<Buffer> {
  const { onRawChunk } = options;
  const iterator = source[Symbol.asyncIterator]();
  try {
    let head: Buffer = Buffer.alloc(0);
    let ended = false;
    while (head.length < 2) {
      const next = await iterator.next();
      if (next.done) {
        ended = true;
        break;
      }
      onRawChunk?.(next.value);
      head = head.length === 0 ? asBuffer(next.value) : Buffer.concat([head, next.value]);
    }
    const all = (async function* () {
      if (head.length > 0) yield head;
      if (ended) return;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        onRawChunk?.(next.value);
        yield asBuffer(next.value);
      }
    })();
    if (head[0] !== 0x1f || head[1] !== 0x8b) {
      yield* all;
      return;
    }
    // zlib runs on the libuv threadpool: decompression overlaps the parsing on the main thread.
    const gunzip = createGunzip({
      chunkSize: CHUNK,
      ...(options.tolerant ? { finishFlush: zlibConstants.Z_SYNC_FLUSH } : {}),
    });
    pipeline(Readable.from(all, { objectMode: false }), gunzip, () => {
      // Errors surface through iterating `gunzip`.
    });
    yield* gunzip;
  } finally {
    // Stopped early (or failed): release the object's stream (an S3 connection).
    await iterator.return?.();
  }
}

const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

const isAsciiSpace = (c: number | undefined): boolean =>
  c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0b || c === 0x0c;

export function trimAscii(bytes: Buffer): Buffer {
  let start = 0;
  let end = bytes.length;
  while (start < end && isAsciiSpace(bytes[start])) start++;
  while (end > start && isAsciiSpace(bytes[end - 1])) end--;
  return start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end);
}

/** By code, not `instanceof`: zlib's errors come from another realm under jest. */
function isZlibError(error: unknown): error is Error {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}
