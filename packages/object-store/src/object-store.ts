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
