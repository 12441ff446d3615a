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
  const attributes = sqsSafeAttributes(messageAttributes(delivery, classification));
  // Written from the bytes as received when they are the payload's text; the message's text is
  // then made only if something reads it (SNS does, the local stack does not).
  const inline: string | Buffer =
    delivery.payloadBytes === undefined
      ? formatRecordLine(meta, { payloadText: delivery.payloadText })
      : formatRecordBytes(meta, delivery.payloadBytes, delivery.payloadSha256);
  const bytes = typeof inline === 'string' ? Buffer.byteLength(inline) : inline.length;
  // The message is the record without its newline, with what SQS refuses escaped (sqsSafe).
  if (bytes - 1 + sqsEscapeGrowth(inline) <= limits.topicMessageBytes) {
    const body = () => sqsSafe((typeof inline === 'string' ? inline : inline.toString('utf8')).slice(0, -1));
    const message = new LazyMessage(body, attributes);
    return { archiveLine: inline, message, publicMessage: message };
  }
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
 * A message whose body is made the first time it is read. A class, not an object literal with a
 * getter: a literal's getter is a new closure per message, and V8 then gives every message a hidden
 * class of its own, allocated in old space; at thousands of deliveries a second that filled the old
 * generation and ran a mark-compact every few thousand requests (measured in process, 7.7 KB private
 * pushes: prepareOutgoing's share 97 → 53 µs a request, the whole use case 80 → 69 µs).
 */
class LazyMessage implements TopicMessage {
  private text: string | undefined;

  constructor(
    private readonly make: () => string,
    readonly attributes: Readonly<Record<string, string>>,
  ) {}

  get body(): string {
    this.text ??= this.make();
    return this.text;
  }
}

function messageAttributes(delivery: Delivery, classification: Classification): Record<string, string> {
  const attributes: Record<string, string> = { event: delivery.event, public: String(classification.public) };
  const repository = repositoryFullName(delivery.payload);
  if (repository !== undefined) attributes.repository = repository;
  const action = delivery.payload.action;
  if (typeof action === 'string' && action !== '') attributes.action = action;
  return attributes;
}
