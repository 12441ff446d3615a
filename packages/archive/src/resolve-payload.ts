import type { PayloadRef } from '@github-webhooks/events';
import { isNoSuchKey, type ObjectStore } from '@github-webhooks/object-store';
import { PayloadRefError } from './errors';
import { openPayloadObject } from './payload-object';

export type PayloadResolution =
  /** The payload text, checked against the reference's size and sha256. */
  | { readonly kind: 'ok'; readonly text: string }
  /** The object does not exist (a true "no such key"). */
  | { readonly kind: 'missing'; readonly reason: string }
  /** The object exists but is not what the reference describes, or the reference points elsewhere. */
  | { readonly kind: 'corrupt'; readonly reason: string };

const PAYLOAD_KEY = /^payloads\/[^/]+$/;

/**
 * What a record's `payload_ref` resolves to, for every reader of the archive alike (republisher,
 * compactor, replay). Only "no such key" is missing: any other failure to read (a 403, throttling,
 * the network) is thrown as it is, for the caller to retry, never taken for a missing payload.
 * (S3 answers a missing key with 403 to a caller without s3:ListBucket: grant it on payloads/.)
 */
export async function resolvePayloadRef(
  store: Pick<ObjectStore, 'readAll'>,
  ref: PayloadRef,
  options: { readonly signal?: AbortSignal } = {},
): Promise<PayloadResolution> {
  if (!PAYLOAD_KEY.test(ref.key)) {
    return { kind: 'corrupt', reason: `payload_ref key ${JSON.stringify(ref.key)} is not under payloads/` };
  }
  let body: Buffer;
  try {
    body = await store.readAll(ref.key, options.signal === undefined ? {} : { signal: options.signal });
  } catch (error) {
    if (isNoSuchKey(error)) return { kind: 'missing', reason: `payload object ${ref.key} does not exist` };
    throw error;
  }
  try {
    return { kind: 'ok', text: openPayloadObject(ref, body) };
  } catch (error) {
    if ((error as { name?: unknown } | null)?.name === PayloadRefError.name) {
      return { kind: 'corrupt', reason: (error as Error).message };
    }
    throw error;
  }
}
