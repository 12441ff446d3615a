import { randomUUID } from 'node:crypto';
import { createPayloadObject } from '@github-webhooks/archive';
import {
  classify,
  createPrivacyPolicy,
  formatRecordLine,
  type PayloadRef,
  pulseMessageBody,
  type WebhookPayload,
} from '@github-webhooks/events';
import { type Example, githubExamples } from '@github-webhooks/fixtures';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { QueueMessage } from '../../src';
import type { MemoryPayloads } from './recording';

export const defaultPolicy = createPrivacyPolicy();

/** The github.com examples the default policy says are public. */
export const publicExamples = (): Example[] =>
  githubExamples().filter((example) => classify(example.event, example.payload, defaultPolicy).public);

/** The first public example of each event. */
export function onePerEvent(): Example[] {
  const seen = new Set<string>();
  return publicExamples().filter((example) => !seen.has(example.event) && seen.add(example.event));
}

/** A copy of an example moved to another owner (full_name and owner login), as a real org's delivery. */
export function underOwner(example: Example, owner: string): Example {
  const payload = structuredClone(example.payload) as Record<string, unknown> & {
    repository: Record<string, unknown> & { owner?: Record<string, unknown> };
  };
  const name = String(payload.repository.name);
  payload.repository.full_name = `${owner}/${name}`;
  if (payload.repository.owner) payload.repository.owner.login = owner;
  return { ...example, payload, name: `${example.name} as ${owner}` };
}

/** A delivery as ingestion would have it: GUID, arrival time, payload text. */
export interface TestDelivery {
  readonly deliveryId: string;
  readonly event: string;
  readonly payload: WebhookPayload;
  readonly payloadText: string;
  readonly receivedAt: Date;
  readonly public: boolean;
}

export function deliveryOf(example: Example, overrides: Partial<TestDelivery> = {}): TestDelivery {
  return {
    deliveryId: randomUUID(),
    event: example.event,
    payload: example.payload,
    payloadText: JSON.stringify(example.payload),
    receivedAt: new Date('2024-05-06T07:08:09.123Z'),
    public: true,
    ...overrides,
  };
}

export const metaOf = (delivery: TestDelivery) => ({
  deliveryId: delivery.deliveryId,
  event: delivery.event,
  receivedAt: delivery.receivedAt,
  hookId: '123456',
  target: { type: 'organization', id: '42' },
  public: delivery.public,
});

/** The SQS body for a delivery with its payload inline: the archive record without the newline. */
export const inlineBody = (delivery: TestDelivery): string =>
  formatRecordLine(metaOf(delivery), { payloadText: delivery.payloadText }).trimEnd();

/** The SQS body for an oversize delivery; its payload object is put in `store` unless told otherwise. */
export function refBody(
  delivery: TestDelivery,
  store?: MemoryPayloads,
): { body: string; ref: PayloadRef; object: Buffer } {
  const { ref, body: object } = createPayloadObject(delivery.deliveryId, delivery.payloadText);
  store?.objects.set(ref.key, object);
  return { body: formatRecordLine(metaOf(delivery), { payloadRef: ref }).trimEnd(), ref, object };
}

/** What consumers must receive for a delivery, byte for byte. */
export const expectedBody = (delivery: TestDelivery): Buffer =>
  pulseMessageBody({
    event: delivery.event,
    deliveryId: delivery.deliveryId,
    payloadText: delivery.payloadText,
  });

/** An SQS event as Lambda hands it over from a queue subscribed with raw message delivery. */
export function sqsEvent(messages: readonly QueueMessage[]): SQSEvent {
  return {
    Records: messages.map(
      (message): SQSRecord => ({
        messageId: message.messageId,
        receiptHandle: `receipt-${message.messageId}`,
        body: String(message.body),
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: '1714979289123',
          SenderId: 'AIDAEXAMPLE',
          ApproximateFirstReceiveTimestamp: '1714979289200',
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:github-webhooks-pulse-republisher-dev',
        awsRegion: 'us-east-1',
      }),
    ),
  };
}

let sequence = 0;
export const queueMessage = (body: string): QueueMessage => ({
  messageId: `msg-${++sequence}-${randomUUID()}`,
  body,
});
