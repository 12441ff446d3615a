import { payloadKey } from './keys';
import { type PayloadRef, type RecordMeta, recordHead } from './record';

/**
 * The *public* topic's message for a payload too large for SNS. Anyone may subscribe to that topic,
 * so it must not point them at the private bucket: it says the payload was left out and gives its
 * size and digest (to fetch it from Pulse or from an archive one was granted, and to check it).
 * The all topic's subscribers are granted principals: theirs carries `payload_ref`.
 */
export function formatOmittedMessage(meta: RecordMeta, ref: PayloadRef): string {
  return `${recordHead(meta, ref.sha256)},"payload_omitted":true,"payload_bytes":${ref.bytes}}`;
}

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * The archive object a message with `payload_omitted` stands for, derived by whoever may read the
 * bucket (the republisher) from the GUID and digest: the key is content-addressed. Undefined when
 * the message does not say the payload was omitted, or says so without a valid digest and size.
 */
export function omittedPayloadRef(value: Readonly<Record<string, unknown>>): PayloadRef | undefined {
  const { payload_omitted, delivery_id, payload_sha256, payload_bytes } = value;
  if (payload_omitted !== true) return undefined;
  if (typeof delivery_id !== 'string' || typeof payload_sha256 !== 'string' || !SHA256.test(payload_sha256))
    return undefined;
  if (typeof payload_bytes !== 'number' || !Number.isSafeInteger(payload_bytes) || payload_bytes < 0)
    return undefined;
  return { key: payloadKey(delivery_id, payload_sha256), bytes: payload_bytes, sha256: payload_sha256 };
}
