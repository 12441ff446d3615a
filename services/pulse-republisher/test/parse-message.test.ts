import { formatOmittedMessage } from '@github-webhooks/events';
import { exampleOf } from '@github-webhooks/fixtures';
import { BadMessageError, parseMessage } from '../src';
import { deliveryOf, inlineBody, metaOf, publicExamples, refBody } from './support/records';

describe('parseMessage', () => {
  it('reads every public example inline, keeping the payload text exactly as written', () => {
    const examples = publicExamples();
    expect(examples.length).toBeGreaterThan(50);
    for (const example of examples) {
      const delivery = deliveryOf(example);
      const parsed = parseMessage(inlineBody(delivery));
      expect(parsed.record.delivery_id).toBe(delivery.deliveryId);
      expect(parsed.record.event).toBe(example.event);
      expect(parsed.payload).toEqual({
        kind: 'inline',
        payload: example.payload,
        text: delivery.payloadText,
      });
    }
  });

  it('splices the original text even where re-serializing would change it', () => {
    // Escapes and spacing as another JSON writer might produce them: consumers get them unchanged.
    const payloadText =
      '{"ref":"refs/heads/\\u00e9t\\u00e9", "repository":{"full_name":"mozilla/gecko-dev","private":false}}';
    const example = exampleOf('push');
    const delivery = deliveryOf(example, { payload: JSON.parse(payloadText), payloadText });
    const parsed = parseMessage(inlineBody(delivery));
    expect(parsed.payload.kind === 'inline' && parsed.payload.text).toBe(payloadText);
  });

  it('re-serializes when the body is not in formatRecordLine order', () => {
    const example = exampleOf('push');
    const delivery = deliveryOf(example);
    const record = JSON.parse(inlineBody(delivery));
    const reordered = JSON.stringify({ payload: record.payload, ...record });
    const withTrailingKey = `${inlineBody(delivery).slice(0, -1)},"extra":1}`;
    for (const body of [reordered, withTrailingKey]) {
      const parsed = parseMessage(body);
      expect(parsed.payload.kind === 'inline' && parsed.payload.text).toBe(JSON.stringify(example.payload));
    }
  });

  it('returns the reference of a payload stored apart', () => {
    const delivery = deliveryOf(exampleOf('pull_request'));
    const { body, ref } = refBody(delivery);
    const parsed = parseMessage(body);
    expect(parsed.payload).toEqual({ kind: 'ref', ref });
    expect(ref.key).toBe(`payloads/${delivery.deliveryId}-${ref.sha256}.json.gz`);
  });

  it('derives the object of a public-topic message that says its payload was omitted', () => {
    const delivery = deliveryOf(exampleOf('pull_request'));
    const { ref } = refBody(delivery);
    const parsed = parseMessage(formatOmittedMessage(metaOf(delivery), ref));
    expect(parsed.payload).toEqual({ kind: 'ref', ref });
    expect(parsed.record).not.toHaveProperty('payload_omitted');
  });

  const valid = JSON.parse(inlineBody(deliveryOf(exampleOf('push'))));
  const omitted = JSON.parse(
    formatOmittedMessage(metaOf(deliveryOf(exampleOf('push'))), refBody(deliveryOf(exampleOf('push'))).ref),
  );
  it.each([
    ['not JSON', 'hello', 'body is not JSON'],
    ['truncated JSON', inlineBody(deliveryOf(exampleOf('push'))).slice(0, 200), 'body is not JSON'],
    ['a JSON array', '[1,2]', 'record is not a JSON object'],
    ['no delivery_id', JSON.stringify({ ...valid, delivery_id: undefined }), 'record has no delivery_id'],
    ['no event', JSON.stringify({ ...valid, event: '' }), 'record has no event'],
    ['no received_at', JSON.stringify({ ...valid, received_at: 'yesterday' }), 'no valid received_at'],
    ['no public flag', JSON.stringify({ ...valid, public: 'yes' }), 'record has no public flag'],
    ['no payload', JSON.stringify({ ...valid, payload: undefined }), 'exactly one of payload'],
    [
      'an SNS envelope (raw delivery off)',
      JSON.stringify({
        Type: 'Notification',
        MessageId: 'x',
        Message: inlineBody(deliveryOf(exampleOf('push'))),
      }),
      'raw message delivery',
    ],
    [
      'a payload_ref to another delivery',
      JSON.stringify({
        ...valid,
        payload: undefined,
        payload_ref: { key: 'payloads/someone-else.json.gz', bytes: 10, sha256: 'a'.repeat(64) },
      }),
      'payload_ref.key is "payloads/someone-else.json.gz"',
    ],
    [
      'payload_omitted without a digest',
      JSON.stringify({ ...omitted, payload_sha256: 'nope' }),
      'payload_omitted without a valid payload_sha256 and payload_bytes',
    ],
    [
      'payload_omitted without a size',
      JSON.stringify({ ...omitted, payload_bytes: undefined }),
      'payload_omitted without a valid payload_sha256 and payload_bytes',
    ],
  ])('refuses %s as a bad message', (_, body, reason) => {
    expect(() => parseMessage(body)).toThrow(BadMessageError);
    expect(() => parseMessage(body)).toThrow(reason);
  });
});
