import {
  type ArchiveRecord,
  formatRecordLine,
  openPayloadObject,
  type PayloadRef,
  recordMeta,
} from '@github-webhooks/events';
import { isNoSuchKey, type ObjectStore } from '@github-webhooks/object-store';

/** The reference cannot be resolved: the record goes to quarantine. */
export class UnresolvablePayloadError extends Error {
  override readonly name = 'UnresolvablePayloadError';
}

const PAYLOAD_KEY = /^payloads\/[^/]+$/;

/**
 * The payload text a record's payload_ref points to, verified (size + sha256). Throws
 * UnresolvablePayloadError when the object is missing, corrupt or outside `payloads/`; other
 * errors (network, throttling) are thrown as they are, so the hour is retried, not quarantined.
 */
export async function loadPayloadText(store: ObjectStore, ref: PayloadRef): Promise<string> {
  if (!PAYLOAD_KEY.test(ref.key)) {
    throw new UnresolvablePayloadError(`payload_ref key ${JSON.stringify(ref.key)} is not under payloads/`);
  }
  let body: Buffer;
  try {
    body = await store.readAll(ref.key);
  } catch (error) {
    // Without s3:ListBucket on payloads/, S3 answers a missing key with 403 AccessDenied.
    const name = (error as { name?: unknown } | null)?.name;
    if (isNoSuchKey(error) || name === 'AccessDenied') {
      throw new UnresolvablePayloadError(`payload object ${ref.key} does not exist`, { cause: error });
    }
    throw error;
  }
  try {
    return openPayloadObject(ref, body);
  } catch (error) {
    if ((error as { name?: unknown } | null)?.name === 'PayloadRefError') {
      throw new UnresolvablePayloadError((error as Error).message, { cause: error });
    }
    throw error;
  }
}

/** The record's line with the payload inline instead of the reference (no trailing newline). */
export function inlinePayloadLine(record: ArchiveRecord, payloadText: string): string {
  return formatRecordLine(recordMeta(record), { payloadText }).slice(0, -1);
}
