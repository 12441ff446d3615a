import { openPayloadObject } from '@github-webhooks/archive';
import {
  classify,
  createPrivacyPolicy,
  omittedPayloadRef,
  parseRecord,
  receiveDelivery,
} from '@github-webhooks/events';
import { exampleOf, grownPush, signedRequest, TEST_SECRET } from '@github-webhooks/fixtures';
import { AWS_LIMITS, prepareOutgoing } from '../src';

const push = exampleOf('push', (e) => (e.payload.repository as { private: boolean }).private === false);
const at = new Date('2026-11-28T15:00:00.000Z');

/** A real push payload grown to about `bytes` by adding commits (as a big push is). */
const bigPush = (bytes: number) => grownPush(bytes, push.payload);

function outgoingFor(payload: object) {
  const request = signedRequest({ event: 'push', payload });
  const { delivery } = receiveDelivery(
    { headers: request.headers, body: request.body },
    { secrets: [TEST_SECRET] },
  );
  const classification = classify('push', delivery.payload, createPrivacyPolicy());
  return { delivery, outgoing: prepareOutgoing(delivery, classification, at, AWS_LIMITS) };
}

describe('prepareOutgoing', () => {
  it('keeps a small payload inline in both the record and the message', () => {
    const { outgoing } = outgoingFor(push.payload);
    expect(outgoing.payloadObject).toBeUndefined();
    expect(parseRecord(JSON.parse(String(outgoing.archiveLine))).payload).toEqual(push.payload);
    expect(outgoing.message.body).toBe(String(outgoing.archiveLine).slice(0, -1));
  });

  it('stores a payload too big for SNS once; the record keeps it inline while Firehose can take it', () => {
    const { delivery, outgoing } = outgoingFor(bigPush(500 * 1024));
    expect(outgoing.payloadObject?.ref.key).toBe(
      `payloads/${delivery.id}-${outgoing.payloadObject?.ref.sha256}.json.gz`,
    );
    expect(parseRecord(JSON.parse(String(outgoing.archiveLine))).payload).toEqual(delivery.payload);
    expect(outgoing.archiveLine.length).toBeLessThanOrEqual(AWS_LIMITS.archiveRecordBytes);
    const message = parseRecord(JSON.parse(outgoing.message.body));
    expect(message.payload_ref).toEqual(outgoing.payloadObject?.ref);
    expect(Buffer.byteLength(outgoing.message.body)).toBeLessThan(AWS_LIMITS.topicMessageBytes);
  });

  it('never points the public topic (anyone may subscribe) at the private bucket: it says the payload was omitted', () => {
    const { delivery, outgoing } = outgoingFor(bigPush(500 * 1024));
    const ref = outgoing.payloadObject?.ref;
    const message = JSON.parse(outgoing.publicMessage.body) as Record<string, unknown>;
    expect(outgoing.publicMessage.body).not.toContain('payloads/');
    expect(message).not.toHaveProperty('payload_ref');
    expect(message).not.toHaveProperty('payload');
    expect(message).toMatchObject({
      delivery_id: delivery.id,
      event: 'push',
      public: true,
      payload_omitted: true,
      payload_bytes: ref?.bytes,
      payload_sha256: ref?.sha256,
    });
    expect(omittedPayloadRef(message)).toEqual(ref);
    expect(outgoing.publicMessage.attributes).toEqual(outgoing.message.attributes);
  });

  it('sends the same message to both topics when the payload fits', () => {
    const { outgoing } = outgoingFor(push.payload);
    expect(outgoing.publicMessage.body).toBe(outgoing.message.body);
  });

  it('sends a 2 MiB push by reference in both, resolving to the identical bytes', () => {
    const { delivery, outgoing } = outgoingFor(bigPush(2 * 1024 * 1024));
    expect(delivery.rawBody.byteLength).toBeGreaterThan(2 * 1024 * 1024);
    const record = parseRecord(JSON.parse(String(outgoing.archiveLine)));
    expect(record.payload_ref).toEqual(outgoing.payloadObject?.ref);
    expect(record.payload_ref?.bytes).toBe(delivery.rawBody.byteLength);
    const stored = outgoing.payloadObject;
    if (!stored) throw new Error('expected a payload object');
    expect(Buffer.from(openPayloadObject(stored.ref, stored.body)).equals(delivery.rawBody)).toBe(true);
  });
});
