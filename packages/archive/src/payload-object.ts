import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { type PayloadRef, payloadKey } from '@github-webhooks/events';
import { PayloadRefError } from './errors';

/** The gzip object stored at `payloads/<GUID>-<sha256>.json.gz` for an oversize payload, and its reference. */
export function createPayloadObject(
  deliveryId: string,
  payloadText: string,
): { ref: PayloadRef; body: Buffer } {
  const bytes = Buffer.from(payloadText);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const ref = { key: payloadKey(deliveryId, sha256), bytes: bytes.byteLength, sha256 };
  return { ref, body: gzipSync(bytes) };
}

/** The payload text a reference points to, checked against the reference's size and digest. */
export function openPayloadObject(ref: PayloadRef, body: Uint8Array): string {
  let bytes: Buffer;
  try {
    bytes = gunzipSync(body);
  } catch (cause) {
    throw new PayloadRefError(`${ref.key} is not valid gzip`, { cause });
  }
  if (bytes.byteLength !== ref.bytes) {
    throw new PayloadRefError(`${ref.key} holds ${bytes.byteLength} bytes, the reference says ${ref.bytes}`);
  }
  if (createHash('sha256').update(bytes).digest('hex') !== ref.sha256) {
    throw new PayloadRefError(`${ref.key} does not match the reference's sha256`);
  }
  return bytes.toString('utf8');
}
