import { createHash } from 'node:crypto';
import {
  ArchiveFormatError,
  classify,
  deliveryKeyOf,
  isPayloadKeyOf,
  type PrivacyPolicy,
  recheckRecorded,
  repositoryFullName,
  splitRecordLine,
} from '@github-webhooks/events';
import type { PulseRoute } from '@github-webhooks/pulse';
import { BadMessageError } from './errors';
import { messagePayload, payloadRefText } from './message-payload';
import { parseMessage } from './parse-message';
import type { PayloadSource } from './ports';

/**
 * How the privacy re-check before publishing is made. `payload` (the Lambda's): the payload is
 * parsed and classified again. `recorded` (the local relay, reading the archive its own ingestion
 * wrote): from the verdict fields ingestion wrote (recheckRecorded) and the payload text sliced
 * out unparsed; records of format 1, which hold no verdict, are classified from their payload.
 */
export type RecheckMode = 'payload' | 'recorded';

export type Prepared =
  | {
      readonly kind: 'ready';
      readonly route: PulseRoute;
      readonly payloadText: string | Uint8Array;
      /** The delivery's identity (GUID, hook, payload digest), for the publish ledger. */
      readonly key: string;
    }
  | { readonly kind: 'refused'; readonly privacy: string };

export interface PreparedFields {
  delivery_id?: string;
  event?: string;
}

/**
 * A queue message's body (an archive record on one line) made ready to publish, or refused as
 * private. Throws BadMessageError for what can never be published, PayloadUnavailableError for a
 * payload object that cannot be read now. `fields` is filled in as soon as the record is known.
 */
export async function prepareMessage(
  body: string | Buffer,
  mode: RecheckMode,
  policy: PrivacyPolicy,
  payloads: PayloadSource,
  fields: PreparedFields,
): Promise<Prepared> {
  if (mode === 'recorded') {
    const recorded = await prepareRecorded(body, policy, payloads, fields);
    if (recorded !== undefined) return recorded;
  }
  const { record, payload } = parseMessage(typeof body === 'string' ? body : body.toString('utf8'));
  fields.delivery_id = record.delivery_id;
  fields.event = record.event;
  if (!record.public) return { kind: 'refused', privacy: 'record_private' };
  const resolved = await messagePayload(payload, payloads);
  // Defence in depth: ingestion already classified, but a private event must never leak.
  const verdict = classify(record.event, resolved.payload, policy);
  const repository = repositoryFullName(resolved.payload);
  if (!verdict.public || repository === undefined) return { kind: 'refused', privacy: verdict.reason };
  const action = resolved.payload.action;
  return {
    kind: 'ready',
    route: {
      event: record.event,
      deliveryId: record.delivery_id,
      receivedAt: record.received_at,
      repository,
      action: typeof action === 'string' ? action : undefined,
    },
    payloadText: resolved.text,
    key: deliveryKeyOf(
      record.delivery_id,
      record.hook_id,
      record.payload_sha256 ?? createHash('sha256').update(resolved.text).digest('hex'),
    ),
  };
}

async function prepareRecorded(
  body: string | Buffer,
  policy: PrivacyPolicy,
  payloads: PayloadSource,
  fields: PreparedFields,
): Promise<Prepared | undefined> {
  let parts: ReturnType<typeof splitRecordLine>;
  try {
    parts = splitRecordLine(body);
  } catch (error) {
    if (error instanceof ArchiveFormatError)
      throw new BadMessageError(`body is not an archive record: ${error.message}`, { cause: error });
    throw error;
  }
  const { head } = parts;
  fields.delivery_id = head.delivery_id;
  fields.event = head.event;
  const verdict = recheckRecorded(head, policy);
  if (verdict === undefined) return undefined;
  if (!verdict.public || typeof head.repository !== 'string')
    return { kind: 'refused', privacy: verdict.reason };
  let payloadText: string | Uint8Array | undefined = parts.payload;
  if (payloadText === undefined) {
    const ref = head.payload_ref;
    if (ref === undefined || !isPayloadKeyOf(ref.key, head.delivery_id, ref.sha256))
      throw new BadMessageError("payload_ref is missing or not one of this delivery's payload objects");
    payloadText = await payloadRefText(ref, payloads);
  }
  return {
    kind: 'ready',
    route: {
      event: head.event,
      deliveryId: head.delivery_id,
      receivedAt: head.received_at,
      repository: head.repository,
      action: head.action,
    },
    payloadText,
    // Format 2 and later always carry payload_sha256 (splitRecordLine checked it against the payload).
    key: deliveryKeyOf(
      head.delivery_id,
      head.hook_id,
      head.payload_sha256 ?? createHash('sha256').update(payloadText).digest('hex'),
    ),
  };
}
