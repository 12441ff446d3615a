import { resolvePayloadRef } from '@github-webhooks/archive';
import { type ArchiveRecord, formatRecordLine, type PayloadRef, recordMeta } from '@github-webhooks/events';
import type { ObjectStore } from '@github-webhooks/object-store';
import { UnresolvablePayloadError } from './errors';

/**
 * The payload text a record's payload_ref points to, verified (size + sha256). Throws
 * UnresolvablePayloadError when it is missing or corrupt (the record is quarantined); any other
 * failure to read (a 403, throttling, the network) is thrown as it is, so the hour is retried.
 */
export async function loadPayloadText(store: ObjectStore, ref: PayloadRef): Promise<string> {
  const resolved = await resolvePayloadRef(store, ref);
  if (resolved.kind !== 'ok') throw new UnresolvablePayloadError(resolved.reason);
  return resolved.text;
}

/** The record's line with the payload inline instead of the reference (no trailing newline). */
export function inlinePayloadLine(record: ArchiveRecord, payloadText: string): string {
  return formatRecordLine(recordMeta(record), { payloadText }).slice(0, -1);
}
