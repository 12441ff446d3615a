import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { pipeline, Readable } from 'node:stream';
import { promisify } from 'node:util';
import { createGunzip, gzip } from 'node:zlib';
import type { ObjectStore } from '@github-webhooks/object-store';

export interface GzipFileFacts {
  readonly sha256: string;
  readonly compressedBytes: number;
  readonly uncompressedBytes: number;
  readonly lines: number;
}

const gzipAsync = promisify(gzip);
const ZLIB_CHUNK = 256 * 1024;

/** Uncompressed bytes per gzip member (and per batch of lines). */
export const MEMBER_BYTES = 4 * 1024 * 1024;

/** Reused batch buffers: a line is copied once, into its batch, and nothing is allocated per batch. */
export class BufferPool {
  private readonly free: Buffer[] = [];

  constructor(readonly size = MEMBER_BYTES) {}

  take(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafeSlow(this.size);
  }

  /** Gives back a buffer from take() (or a slice of one) once nothing reads it any more. */
  release(slice: Buffer): void {
    if (slice.byteOffset === 0 && slice.buffer.byteLength === this.size) {
      this.free.push(Buffer.from(slice.buffer, 0, this.size));
    }
  }
}

const defaultParallelism = () => Math.max(2, availableParallelism());

/**
 * Streams batches of NDJSON lines, gzipped, into the store (a multipart upload on S3, a temp file
 * renamed into place on disk), measuring as the bytes go by. Each batch becomes one gzip member
 * (the file is a series of members, like pigz output; every gzip reader reads it as one stream):
 * members are compressed on the libuv threadpool, several at once, while the main thread
 * produces the next batches. Memory: `parallel` batches in flight. Batches go back to `pool`.
 */
export async function writeGzipFile(
  store: ObjectStore,
  key: string,
  batches: AsyncIterable<Buffer>,
  level: number,
  pool?: BufferPool,
  parallel = defaultParallelism(),
): Promise<GzipFileFacts> {
  let uncompressedBytes = 0;
  let lines = 0;
  let compressedBytes = 0;
  const hash = createHash('sha256');
  const compressed = (async function* () {
    const inFlight: Promise<Buffer>[] = [];
    const start = (batch: Buffer) => {
      uncompressedBytes += batch.length;
      lines += countNewlines(batch);
      const member = gzipAsync(batch, { level, chunkSize: ZLIB_CHUNK }).then((out) => {
        pool?.release(batch);
        return out;
      });
      // Awaited in order below; this only keeps an abandoned one from being "unhandled".
      member.catch(() => undefined);
      inFlight.push(member);
    };
    let empty = true;
    for await (const batch of batches) {
      empty = false;
      start(batch);
      while (inFlight.length >= parallel) yield await (inFlight.shift() as Promise<Buffer>);
    }
    // An empty hour is still a valid (empty) gzip file.
    if (empty) start(Buffer.alloc(0));
    while (inFlight.length > 0) yield await (inFlight.shift() as Promise<Buffer>);
  })();
  const measured = (async function* () {
    for await (const member of compressed) {
      hash.update(member);
      compressedBytes += member.length;
      yield member;
    }
  })();
  await store.write(key, measured, { contentType: 'application/gzip' });
  return { sha256: hash.digest('hex'), compressedBytes, uncompressedBytes, lines };
}

/** Reads a gzip file back: digest and size of its bytes, and size and line count inside. */
export async function readGzipFacts(store: ObjectStore, key: string): Promise<GzipFileFacts> {
  const hash = createHash('sha256');
  let compressedBytes = 0;
  const body = await store.read(key);
  const measured = (async function* () {
    for await (const chunk of body) {
      hash.update(chunk);
      compressedBytes += chunk.byteLength;
      yield chunk;
    }
  })();
  const inflate = createGunzip({ chunkSize: ZLIB_CHUNK });
  pipeline(Readable.from(measured, { objectMode: false }), inflate, () => {
    // Errors surface through iterating `inflate`.
  });
  let uncompressedBytes = 0;
  let lines = 0;
  for await (const chunk of inflate as AsyncIterable<Buffer>) {
    uncompressedBytes += chunk.length;
    lines += countNewlines(chunk);
  }
  return { sha256: hash.digest('hex'), compressedBytes, uncompressedBytes, lines };
}

function countNewlines(bytes: Buffer): number {
  let count = 0;
  for (let i = bytes.indexOf(0x0a); i !== -1; i = bytes.indexOf(0x0a, i + 1)) count++;
  return count;
}
