import { addAbortSignal, Readable } from 'node:stream';
import { isUint8Array } from 'node:util/types';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  PutObjectTaggingCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { PreconditionFailedError } from './errors';
import {
  NoSuchKeyError,
  type ObjectInfo,
  type ObjectStore,
  type PutOptions,
  type VersionedObject,
  type WriteCondition,
} from './object-store';

export interface S3ObjectStoreOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** Prepended to every key (`archive/` stores `raw/x` at `archive/raw/x`); a `/` is added if missing. */
  readonly prefix?: string;
  /** Multipart part size for streamed writes; S3's minimum is 5 MiB. Default 8 MiB. */
  readonly partSize?: number;
  /** Parts uploaded concurrently; memory held by a streamed write is about partSize × (queueSize + 1). */
  readonly queueSize?: number;
  /** Keys per ListObjectsV2 page (S3 caps it at 1000). */
  readonly pageSize?: number;
  /** Concurrent PutObjectTagging requests. */
  readonly tagConcurrency?: number;
}

const MIB = 1024 * 1024;
/** DeleteObjects accepts at most 1000 keys per request. */
const DELETE_BATCH = 1000;

/** The archive in an S3 bucket (AWS SDK v3). */
export class S3ObjectStore implements ObjectStore {
  readonly bucket: string;
  readonly prefix: string;
  private readonly client: S3Client;
  private readonly partSize: number;
  private readonly queueSize: number;
  private readonly pageSize: number;
  private readonly tagConcurrency: number;

  constructor(options: S3ObjectStoreOptions) {
    this.client = options.client;
    this.bucket = options.bucket;
    const prefix = options.prefix ?? '';
    this.prefix = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
    this.partSize = Math.max(options.partSize ?? 8 * MIB, 5 * MIB);
    this.queueSize = Math.max(options.queueSize ?? 2, 1);
    this.pageSize = Math.min(Math.max(options.pageSize ?? 1000, 1), 1000);
    this.tagConcurrency = Math.max(options.tagConcurrency ?? 8, 1);
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: this.prefix + prefix,
          MaxKeys: this.pageSize,
          ...(token === undefined ? {} : { ContinuationToken: token }),
        }),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key === undefined) continue;
        yield {
          key: object.Key.slice(this.prefix.length),
          size: object.Size ?? 0,
          lastModified: object.LastModified ?? new Date(0),
        };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }

  async read(key: string, options: { signal?: AbortSignal } = {}): Promise<AsyncIterable<Uint8Array>> {
    const output = await this.getObject(key, options.signal);
    const body = output.Body;
    if (!(body instanceof Readable)) throw new Error(`S3 GetObject ${key} returned no Node stream body`);
    // The SDK's abortSignal covers the request; this makes the body stream end with AbortError too.
    return options.signal === undefined ? body : addAbortSignal(options.signal, body);
  }

  async readAll(key: string, options: { signal?: AbortSignal } = {}): Promise<Buffer> {
    const output = await this.getObject(key, options.signal);
    if (output.Body === undefined) return Buffer.alloc(0);
    const bytes = await output.Body.transformToByteArray();
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      const output = await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }),
      );
      return { key, size: output.ContentLength ?? 0, lastModified: output.LastModified ?? new Date(0) };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async write(
    key: string,
    body: Uint8Array | AsyncIterable<Uint8Array>,
    options: PutOptions = {},
  ): Promise<void> {
    const params = {
      Bucket: this.bucket,
      Key: this.prefix + key,
      ...(options.contentType === undefined ? {} : { ContentType: options.contentType }),
      ...(options.contentEncoding === undefined ? {} : { ContentEncoding: options.contentEncoding }),
      ...(options.ifAbsent ? { IfNoneMatch: '*' } : {}),
    };
    if (isUint8Array(body) && (body.byteLength <= this.partSize || options.ifAbsent)) {
      // One request: no multipart bookkeeping for small objects (manifests, quarantine files, payloads).
      try {
        await this.client.send(
          new PutObjectCommand({ ...params, Body: body }),
          options.signal === undefined ? {} : { abortSignal: options.signal },
        );
      } catch (error) {
        // 412: the key is taken (ifAbsent); its object is the one wanted.
        if (options.ifAbsent && isAlreadyThere(error)) return;
        throw error;
      }
      return;
    }
    if (options.ifAbsent) throw new TypeError('ifAbsent writes take a buffer, not a stream');
    const abortController = new AbortController();
    const onAbort = () => abortController.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const source = isUint8Array(body) ? undefined : new FailureWatch(body);
    const Body = isUint8Array(body) ? body : Readable.from(source?.body ?? body, { objectMode: false });
    try {
      // lib-storage recognises Node Readables (not async iterables); it buffers one part at a
      // time per queue slot, so memory stays at about partSize × (queueSize + 1).
      // Loaded on first use: the functions that never stream a write (ingestion) skip it at cold start.
      const { Upload } = await import('@aws-sdk/lib-storage');
      const upload = new Upload({
        client: this.client,
        params: { ...params, Body },
        partSize: this.partSize,
        queueSize: this.queueSize,
        leavePartsOnError: false,
        abortController,
      });
      await upload.done();
    } catch (error) {
      // The body's own failure is the cause worth reporting, even when aborting the upload failed too.
      throw source?.failed ? source.error : error;
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * One PutObject with `If-None-Match: *` or `If-Match: <etag>`. S3 answers 412 when the condition
   * does not hold, 409 ConditionalRequestConflict when another write of the key raced this one, and
   * (If-Match) 404 NoSuchKey when there is no object: each means this write did not happen.
   */
  async writeIf(
    key: string,
    body: Uint8Array,
    condition: WriteCondition,
    options: Omit<PutOptions, 'ifAbsent'> = {},
  ): Promise<string> {
    const header = 'ifNoneMatch' in condition ? 'If-None-Match' : 'If-Match';
    try {
      const output = await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: this.prefix + key,
          Body: body,
          ...(options.contentType === undefined ? {} : { ContentType: options.contentType }),
          ...(options.contentEncoding === undefined ? {} : { ContentEncoding: options.contentEncoding }),
          ...('ifNoneMatch' in condition ? { IfNoneMatch: '*' } : { IfMatch: condition.ifMatch }),
        }),
        options.signal === undefined ? {} : { abortSignal: options.signal },
      );
      if (output.ETag === undefined) throw new Error(`S3 PutObject ${key} returned no ETag`);
      return output.ETag;
    } catch (error) {
      if (isAlreadyThere(error) || (header === 'If-Match' && isMissing(error)))
        throw new PreconditionFailedError(key, header, { cause: error });
      throw error;
    }
  }

  async readWithETag(key: string, options: { signal?: AbortSignal } = {}): Promise<VersionedObject> {
    const output = await this.getObject(key, options.signal);
    if (output.ETag === undefined) throw new Error(`S3 GetObject ${key} returned no ETag`);
    const bytes = output.Body === undefined ? new Uint8Array() : await output.Body.transformToByteArray();
    return { body: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), etag: output.ETag };
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      const batch = keys.slice(i, i + DELETE_BATCH);
      const output = await this.client.send(
        new DeleteObjectsCommand({
          Bucket: this.bucket,
          Delete: { Objects: batch.map((key) => ({ Key: this.prefix + key })), Quiet: true },
        }),
      );
      const failed = (output.Errors ?? []).filter((e) => e.Code !== 'NoSuchKey');
      if (failed.length > 0) {
        const first = failed[0];
        throw new S3DeleteError(
          `S3 could not delete ${failed.length} of ${batch.length} objects, first ${first?.Key}: ${first?.Code} ${first?.Message}`,
        );
      }
    }
  }

  async tag(keys: readonly string[], tags: Readonly<Record<string, string>>): Promise<void> {
    const TagSet = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < keys.length; i = next++) {
        const key = keys[i] as string;
        try {
          await this.client.send(
            new PutObjectTaggingCommand({ Bucket: this.bucket, Key: this.prefix + key, Tagging: { TagSet } }),
          );
        } catch (error) {
          if (!isMissing(error)) throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.tagConcurrency, keys.length) }, worker));
  }

  /** The object's tags (GetObjectTagging); throws NoSuchKeyError. Not part of ObjectStore. */
  async getTags(key: string): Promise<Record<string, string>> {
    try {
      const output = await this.client.send(
        new GetObjectTaggingCommand({ Bucket: this.bucket, Key: this.prefix + key }),
      );
      return Object.fromEntries((output.TagSet ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
    } catch (error) {
      if (isMissing(error)) throw new NoSuchKeyError(key, { cause: error });
      throw error;
    }
  }

  private async getObject(key: string, signal: AbortSignal | undefined) {
    try {
      return await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }),
        signal === undefined ? {} : { abortSignal: signal },
      );
    } catch (error) {
      if (isMissing(error)) throw new NoSuchKeyError(key, { cause: error });
      throw error;
    }
  }
}

export class S3DeleteError extends Error {
  override readonly name = 'S3DeleteError';
}

/** A conditional write found the key taken (412), or raced another one for it (409). */
function isAlreadyThere(error: unknown): boolean {
  const e = error as { name?: unknown; $metadata?: { httpStatusCode?: number } } | null;
  return (
    e?.name === 'PreconditionFailed' ||
    e?.$metadata?.httpStatusCode === 412 ||
    e?.name === 'ConditionalRequestConflict'
  );
}

/** S3 says NoSuchKey for GET and NotFound for HEAD; checked by name (SDK errors cross realms). */
function isMissing(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'NoSuchKey' || name === 'NotFound';
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
