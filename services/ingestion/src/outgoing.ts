import { createPayloadObject } from '@github-webhooks/archive';
import {
  type Classification,
  type Delivery,
  formatRecordLine,
  type PayloadRef,
  type RecordMeta,
  repositoryFullName,
} from '@github-webhooks/events';
import type { TopicMessage } from './ports';

export interface SizeLimits {
  /** Largest archive record (Firehose: 1,000 KiB per record). */
  readonly archiveRecordBytes: number;
  /** Largest topic message (SNS: 256 KiB including attributes). */
  readonly topicMessageBytes: number;
}

export const AWS_LIMITS: SizeLimits = {
  archiveRecordBytes: 1_000 * 1024,
  // Leave room for the message attributes, which count against SNS's 256 KiB.
  topicMessageBytes: 256 * 1024 - 4 * 1024,
};

export interface Outgoing {
  /** The archive record, newline-terminated. */
  readonly archiveLine: string;
  readonly message: TopicMessage;
  /** Set when the payload must be stored first, because it is too big for the record or the message. */
  readonly payloadObject?: { readonly ref: PayloadRef; readonly body: Buffer };
}

/**
 * The archive record and topic message for a delivery. A payload too big for either is stored
 * once, and whichever cannot hold it carries `payload_ref` instead.
 */
export function prepareOutgoing(
  delivery: Delivery,
  classification: Classification,
  receivedAt: Date,
  limits: SizeLimits,
): Outgoing {
  const action = delivery.payload.action;
  const meta: RecordMeta = {
    deliveryId: delivery.id,
    event: delivery.event,
    receivedAt,
    hookId: delivery.hookId,
    target: delivery.target,
    public: classification.public,
    privacy: classification.reason,
    repository: repositoryFullName(delivery.payload),
    action: typeof action === 'string' && action !== '' ? action : undefined,
  };
  const inline = formatRecordLine(meta, { payloadText: delivery.payloadText });
  const bytes = Buffer.byteLength(inline);
  const attributes = messageAttributes(delivery, classification);
  if (bytes - 1 <= limits.topicMessageBytes) {
    return { archiveLine: inline, message: { body: inline.slice(0, -1), attributes } };
  }
  const payloadObject = createPayloadObject(delivery.id, delivery.payloadText);
  const byRef = formatRecordLine(meta, { payloadRef: payloadObject.ref });
  return {
    archiveLine: bytes <= limits.archiveRecordBytes ? inline : byRef,
    message: { body: byRef.slice(0, -1), attributes },
    payloadObject,
  };
}

function messageAttributes(delivery: Delivery, classification: Classification): Record<string, string> {
  const attributes: Record<string, string> = { event: delivery.event, public: String(classification.public) };
  const repository = repositoryFullName(delivery.payload);
  if (repository !== undefined) attributes.repository = repository;
  const action = delivery.payload.action;
  if (typeof action === 'string' && action !== '') attributes.action = action;
  return attributes;
}
