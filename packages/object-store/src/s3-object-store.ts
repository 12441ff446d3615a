import { addAbortSignal, Readable } from 'node:stream';
import { isUint8Array } from 'node:util/types';
import {
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { StreamWritesUnsupportedError } from './errors';
import {
  NoSuchKeyError,
  type ObjectInfo,
  type ObjectStore,
  type PutOptions,
  type VersionedObject,
  type WriteCondition,
} from './object-store';
import { deleteObjects } from './s3-delete-objects';
import { isAlreadyThere, isMissing } from './s3-error-mapping';
import { listObjects } from './s3-list-objects';
import { abortable, putParams, type S3Location } from './s3-location';
import type { MultipartUpload } from './s3-multipart-upload';
import { tagObjects } from './s3-tag-objects';
import { putObjectIf } from './s3-write-if';

export interface S3ObjectStoreOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** Prepended to every key (`archive/` stores `raw/x` at `archive/raw/x`); a `/` is added if missing. */
  readonly prefix?: string;
  /**
   * How a stream, or a buffer over `partSize`, is written: `uploadInParts` (lib-storage). Without
   * it, buffers go in one PutObject (S3 takes up to 5 GB) and streams are refused
   * (StreamWritesUnsupportedError), so a function that never streams a write does not bundle
   * lib-storage: ~4 ms less of every cold start.
   */
  readonly uploadInParts?: (at: S3Location, upload: MultipartUpload) => Promise<void>;
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

/** The archive in an S3 bucket (AWS SDK v3). */
export class S3ObjectStore implements ObjectStore {
  readonly bucket: string;
  readonly prefix: string;
  private readonly client: S3Client;
  private readonly at: S3Location;
  private readonly partSize: number;
  private readonly queueSize: number;
  private readonly pageSize: number;
  private readonly tagConcurrency: number;
  private readonly uploadInParts: S3ObjectStoreOptions['uploadInParts'];

  constructor(options: S3ObjectStoreOptions) {
    this.client = options.client;
    this.bucket = options.bucket;
    const prefix = options.prefix ?? '';
    this.prefix = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
    this.at = { client: this.client, bucket: this.bucket, prefix: this.prefix };
    this.partSize = Math.max(options.partSize ?? 8 * MIB, 5 * MIB);
    this.queueSize = Math.max(options.queueSize ?? 2, 1);
    this.pageSize = Math.min(Math.max(options.pageSize ?? 1000, 1), 1000);
    this.tagConcurrency = Math.max(options.tagConcurrency ?? 8, 1);
    this.uploadInParts = options.uploadInParts;
  }

  list(prefix: string): AsyncIterable<ObjectInfo> {
    return listObjects(this.at, prefix, this.pageSize);
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
    const params = { ...putParams(this.at, key, options), ...(options.ifAbsent ? { IfNoneMatch: '*' } : {}) };
    const { uploadInParts } = this;
    if (isUint8Array(body) && (body.byteLength <= this.partSize || options.ifAbsent || !uploadInParts)) {
      // One request: no multipart bookkeeping for small objects (manifests, quarantine files, payloads).
      try {
        await this.client.send(new PutObjectCommand({ ...params, Body: body }), abortable(options.signal));
      } catch (error) {
        // 412: the key is taken (ifAbsent); its object is the one wanted.
        if (options.ifAbsent && isAlreadyThere(error)) return;
        throw error;
      }
      return;
    }
    if (options.ifAbsent) throw new TypeError('ifAbsent writes take a buffer, not a stream');
    if (!uploadInParts) throw new StreamWritesUnsupportedError(key);
    const { partSize, queueSize } = this;
    await uploadInParts(this.at, { params, body, partSize, queueSize, signal: options.signal });
  }

  writeIf(
    key: string,
    body: Uint8Array,
    condition: WriteCondition,
    options: Omit<PutOptions, 'ifAbsent'> = {},
  ): Promise<string> {
    return putObjectIf(this.at, { key, body, condition, options });
  }

  async readWithETag(key: string, options: { signal?: AbortSignal } = {}): Promise<VersionedObject> {
    const output = await this.getObject(key, options.signal);
    if (output.ETag === undefined) throw new Error(`S3 GetObject ${key} returned no ETag`);
    const bytes = output.Body === undefined ? new Uint8Array() : await output.Body.transformToByteArray();
    return { body: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), etag: output.ETag };
  }

  delete(keys: readonly string[]): Promise<void> {
    return deleteObjects(this.at, keys);
  }

  tag(keys: readonly string[], tags: Readonly<Record<string, string>>): Promise<void> {
    return tagObjects(this.at, { keys, tags, concurrency: this.tagConcurrency });
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
        abortable(signal),
      );
    } catch (error) {
      if (isMissing(error)) throw new NoSuchKeyError(key, { cause: error });
      throw error;
    }
  }
}
