import { createPayloadObject } from '@github-webhooks/archive';
import {
  type Classification,
  type Delivery,
  formatOmittedMessage,
  formatRecordBytes,
  formatRecordLine,
  type PayloadRef,
  PRIVACY_RULES_VERSION,
  type RecordMeta,
  repositoryFullName,
} from '@github-webhooks/events';
import type { TopicMessage } from './ports';
import { sqsEscapeGrowth, sqsSafe, sqsSafeAttributes } from './sqs-text';

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
  /** The archive record, newline-terminated: text, or its UTF-8 bytes. */
  readonly archiveLine: string | Buffer;
  /** For the all topic (granted subscribers): a payload too large for SNS by `payload_ref`. */
  readonly message: TopicMessage;
  /** For the public topic (anyone may subscribe): a payload too large for SNS is omitted, never referenced. */
  readonly publicMessage: TopicMessage;
  /** Set when the payload must be stored first, because it is too big for the record or the message. */
  readonly payloadObject?: { readonly ref: PayloadRef; readonly body: Buffer };
}

/**
 * The archive record and topic messages for a delivery. A payload too big for either is stored
 * once, and whichever cannot hold it carries `payload_ref` instead (the public topic's message
 * says `payload_omitted`: its subscribers cannot read the bucket). The messages (both topics) have
 * the characters SQS refuses written as JSON escapes (sqsSafe); the archive record never does.
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
    privacyRules: PRIVACY_RULES_VERSION,
    repository: repositoryFullName(delivery.payload),
    action: typeof action === 'string' && action !== '' ? action : undefined,
  };
  // Written from the bytes as received when they are the payload's text; the message's text is
  // then made only if something reads it (SNS does, the local stack does not).
  const inline: string | Buffer =
    delivery.payloadBytes === undefined
      ? formatRecordLine(meta, { payloadText: delivery.payloadText })
      : formatRecordBytes(meta, delivery.payloadBytes, delivery.payloadSha256);
  const bytes = typeof inline === 'string' ? Buffer.byteLength(inline) : inline.length;
  // The message is the record without its newline, with what SQS refuses escaped (sqsSafe).
  if (fitsEscaped(inline, bytes - 1, limits.topicMessageBytes)) {
    const message = new LazyMessage(inline, meta);
    return { archiveLine: inline, message, publicMessage: message };
  }
  const attributes = messageAttributes(meta);
  const payloadObject = createPayloadObject(delivery.id, delivery.payloadText);
  const byRef = formatRecordLine(meta, { payloadRef: payloadObject.ref });
  return {
    archiveLine: bytes <= limits.archiveRecordBytes ? inline : byRef,
    message: { body: sqsSafe(byRef.slice(0, -1)), attributes },
    publicMessage: { body: sqsSafe(formatOmittedMessage(meta, payloadObject.ref)), attributes },
    payloadObject,
  };
}

/**
 * Whether a line of `bytes` (its newline not counted) still fits `limit` once what SQS refuses is
 * escaped. Each escape's six bytes replace at least one, so no line grows past six times its size:
 * one that fits even then is not scanned (every line locally, a record of up to ~42 KiB on AWS).
 */
function fitsEscaped(line: string | Buffer, bytes: number, limit: number): boolean {
  return bytes * 6 <= limit || bytes + sqsEscapeGrowth(line) <= limit;
}

/**
 * A message whose body and attributes are made the first time they are read (SNS reads them; the
 * local stack, which publishes nothing, does not). A class, not an object literal with getters: a
 * literal's getter is a new closure per message, and V8 then gives every message a hidden class of
 * its own, allocated in old space; at thousands of deliveries a second that filled the old
 * generation and ran a mark-compact every few thousand requests (measured in process, 7.7 KB private
 * pushes: prepareOutgoing's share 97 → 53 µs a request, the whole use case 80 → 69 µs).
 */
class LazyMessage implements TopicMessage {
  private text: string | undefined;
  private made: Readonly<Record<string, string>> | undefined;

  constructor(
    /** The record line, its newline included. */
    private readonly line: string | Buffer,
    private readonly meta: RecordMeta,
  ) {}

  get body(): string {
    const { line } = this;
    this.text ??= sqsSafe((typeof line === 'string' ? line : line.toString('utf8')).slice(0, -1));
    return this.text;
  }

  get attributes(): Readonly<Record<string, string>> {
    this.made ??= messageAttributes(this.meta);
    return this.made;
  }
}

/** For subscribers' filter policies: event, public, repository and action, as the record has them. */
function messageAttributes(meta: RecordMeta): Record<string, string> {
  const attributes: Record<string, string> = { event: meta.event, public: String(meta.public) };
  if (typeof meta.repository === 'string') attributes.repository = meta.repository;
  if (typeof meta.action === 'string') attributes.action = meta.action;
  return sqsSafeAttributes(attributes);
}
