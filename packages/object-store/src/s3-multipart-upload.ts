import { Readable } from 'node:stream';
import { isUint8Array } from 'node:util/types';
import type { PutObjectCommandInput } from '@aws-sdk/client-s3';
import type { S3Location } from './s3-location';

export interface MultipartUpload {
  /** The PutObject parameters but the body (Bucket, Key, headers). */
  readonly params: Omit<PutObjectCommandInput, 'Body'>;
  readonly body: Uint8Array | AsyncIterable<Uint8Array>;
  readonly partSize: number;
  readonly queueSize: number;
  readonly signal?: AbortSignal | undefined;
}

/**
 * A write too large for one PutObject, or a stream, as a multipart upload (lib-storage), never
 * buffered whole. If the body stream throws, the upload is aborted (no parts left) and the body's
 * error is rethrown.
 */
export async function uploadInParts(at: S3Location, upload: MultipartUpload): Promise<void> {
  const { body, signal } = upload;
  const abortController = new AbortController();
  const onAbort = () => abortController.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  const source = isUint8Array(body) ? undefined : new FailureWatch(body);
  const Body = isUint8Array(body) ? body : Readable.from(source?.body ?? body, { objectMode: false });
  try {
    // lib-storage recognises Node Readables (not async iterables); it buffers one part at a
    // time per queue slot, so memory stays at about partSize × (queueSize + 1).
    // Loaded on first use: the functions that never stream a write (ingestion) skip it at cold start.
    const { Upload } = await import('@aws-sdk/lib-storage');
    await new Upload({
      client: at.client,
      params: { ...upload.params, Body },
      partSize: upload.partSize,
      queueSize: upload.queueSize,
      leavePartsOnError: false,
      abortController,
    }).done();
  } catch (error) {
    // The body's own failure is the cause worth reporting, even when aborting the upload failed too.
    throw source?.failed ? source.error : error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/** Remembers whether (and why) the body stream failed. */
class FailureWatch {
  failed = false;
  error: unknown;
  readonly body: AsyncIterable<Uint8Array>;
  constructor(source: AsyncIterable<Uint8Array>) {
    const watch = this;
    this.body = (async function* () {
      try {
        yield* source;
      } catch (error) {
        watch.failed = true;
        watch.error = error;
        throw error;
      }
    })();
  }
}
