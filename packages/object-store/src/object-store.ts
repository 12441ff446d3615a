/**
 * The archive's storage, as every deployable sees it: S3 in AWS, a directory locally, with the
 * same keys (`raw/…`, `hourly/…`, `payloads/…`, `quarantine/…`).
 */
export interface ObjectInfo {
  readonly key: string;
  readonly size: number;
  readonly lastModified: Date;
}

export interface PutOptions {
  readonly contentType?: string;
  readonly contentEncoding?: string;
  readonly signal?: AbortSignal;
  /**
   * Write only when no object has this key yet; when one has, leave it and resolve (for
   * content-addressed keys, whose object can only hold these bytes). S3: `If-None-Match: *`.
   */
  readonly ifAbsent?: boolean;
}

/**
 * The precondition of a conditional write, with S3's semantics: `ifNoneMatch: '*'` writes only when
 * no object has the key; `ifMatch` only when the object exists and its ETag is this one.
 */
export type WriteCondition = { readonly ifNoneMatch: '*' } | { readonly ifMatch: string };

/** An object read whole with its ETag, to be replaced later only if it is still this one. */
export interface VersionedObject {
  readonly body: Buffer;
  /** Quoted, as S3 gives it (`"<md5 hex>"` for a single-part object). */
  readonly etag: string;
}

export interface ObjectStore {
  /** Every object whose key starts with `prefix`, in key order (UTF-8 byte order, as S3 lists). */
  list(prefix: string): AsyncIterable<ObjectInfo>;
  /** The object's bytes as a stream; throws NoSuchKeyError when it does not exist. */
  read(key: string, options?: { signal?: AbortSignal }): Promise<AsyncIterable<Uint8Array>>;
  /** The whole object in memory (small objects only); throws NoSuchKeyError. */
  readAll(key: string, options?: { signal?: AbortSignal }): Promise<Buffer>;
  /** Metadata, or undefined when the object does not exist. */
  head(key: string): Promise<ObjectInfo | undefined>;
  /**
   * Writes the object whole: readers see the old object or the new one, never a part
   * (S3: single or multipart upload; disk: temp file, fsync, rename). Streams are never buffered whole.
   * If the body stream throws, nothing is written and the error is rethrown.
   */
  write(key: string, body: Uint8Array | AsyncIterable<Uint8Array>, options?: PutOptions): Promise<void>;
  /**
   * Writes a small object whole only if `condition` holds when it is written, atomically (no other
   * conditional write of the key comes between the check and the write): S3's conditional PutObject.
   * Returns the new object's ETag; throws PreconditionFailedError (412) when the condition did not
   * hold, and nothing was written.
   */
  writeIf(
    key: string,
    body: Uint8Array,
    condition: WriteCondition,
    options?: Omit<PutOptions, 'ifAbsent'>,
  ): Promise<string>;
  /** The whole object and its ETag (small objects only); throws NoSuchKeyError. */
  readWithETag(key: string, options?: { signal?: AbortSignal }): Promise<VersionedObject>;
  /** Deletes the objects; deleting a missing object is not an error. */
  delete(keys: readonly string[]): Promise<void>;
  /**
   * Marks objects for lifecycle expiry instead of deleting them (S3 object tags; disk: a side file).
   * Replaces each object's tag set, as S3's PutObjectTagging does; like `delete`, a missing
   * object is not an error (there is nothing left to expire).
   */
  tag(keys: readonly string[], tags: Readonly<Record<string, string>>): Promise<void>;
}

export class NoSuchKeyError extends Error {
  override readonly name = 'NoSuchKeyError';
  readonly status = 404;
  constructor(
    readonly key: string,
    options?: ErrorOptions,
  ) {
    super(`no object at ${key}`, options);
  }
}

/** True for NoSuchKeyError from any realm (checked by name: jest and the SDK cross realms). */
export const isNoSuchKey = (error: unknown): error is NoSuchKeyError =>
  (error as { name?: unknown } | null)?.name === 'NoSuchKeyError';

/** Whether two ETags name the same object version (S3 quotes them; a weak `W/` prefix is ignored). */
export const sameETag = (a: string, b: string): boolean => unquote(a) === unquote(b);

const unquote = (etag: string): string => etag.replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
