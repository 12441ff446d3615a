/** The errors of the object stores: keys, deletes, conditional writes and the leases built on them. */

/** A local store's key that is not one (empty, absolute, `..`, a hidden segment, a backslash, NUL). */
export class InvalidKeyError extends Error {
  override readonly name = 'InvalidKeyError';
}

/** A stream written to an S3 store built without `uploadInParts` (the composition root did not wire it). */
export class StreamWritesUnsupportedError extends Error {
  override readonly name = 'StreamWritesUnsupportedError';
  constructor(readonly key: string) {
    super(`${key}: this S3 store writes buffers only; build it with uploadInParts to stream a write`);
  }
}

/** S3's DeleteObjects answered an error for some of the keys (other than NoSuchKey). */
export class S3DeleteError extends Error {
  override readonly name = 'S3DeleteError';
}

/**
 * A conditional write's precondition did not hold (S3's 412 PreconditionFailed): `If-None-Match: *`
 * and the key exists, or `If-Match` and the key is absent or its ETag differs. Nothing was written.
 */
export class PreconditionFailedError extends Error {
  override readonly name = 'PreconditionFailedError';
  readonly status = 412;
  constructor(
    readonly key: string,
    readonly condition: 'If-None-Match' | 'If-Match',
    options?: ErrorOptions,
  ) {
    super(`the ${condition} precondition of a write to ${key} did not hold`, options);
  }
}

/** True for PreconditionFailedError from any realm (checked by name, as isNoSuchKey is). */
export const isPreconditionFailed = (error: unknown): error is PreconditionFailedError =>
  (error as { name?: unknown } | null)?.name === 'PreconditionFailedError';

/** What a lease object holds: who has it and until when. */
export interface LeaseRecord {
  /** What holds it, for people: e.g. `github-webhooks compact`. */
  readonly holder: string;
  readonly host: string;
  readonly pid: number;
  readonly acquired_at: string;
  readonly expires_at: string;
}

/** Someone else holds the lease and it has not expired: the work it guards is being done elsewhere. */
export class LeaseHeldError extends Error {
  override readonly name = 'LeaseHeldError';
  constructor(
    readonly key: string,
    readonly current: LeaseRecord,
  ) {
    super(
      `${key} is held by ${current.holder} (pid ${current.pid} on ${current.host}) since ${current.acquired_at}, until ${current.expires_at} unless renewed`,
    );
  }
}

/** True for LeaseHeldError from any realm (checked by name). */
export const isLeaseHeld = (error: unknown): error is LeaseHeldError =>
  (error as { name?: unknown } | null)?.name === 'LeaseHeldError';

/** A renewal found the lease taken over (it had expired) or gone: the holder must stop its work. */
export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
  constructor(
    readonly key: string,
    options?: ErrorOptions,
  ) {
    super(`the lease ${key} was lost (it expired and was taken over, or was removed)`, options);
  }
}

/** Another process kept a local object's conditional-write lock far longer than a write takes. */
export class ObjectLockTimeoutError extends Error {
  override readonly name = 'ObjectLockTimeoutError';
}
