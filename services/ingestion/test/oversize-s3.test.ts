import { createHash } from 'node:crypto';
import { openPayloadObject } from '@github-webhooks/archive';
import { omittedPayloadRef, parseRecord } from '@github-webhooks/events';
import { exampleOf, grownPush, httpApiEvent, signedRequest } from '@github-webhooks/fixtures';
import { S3ObjectStore } from '@github-webhooks/object-store';
import { type RunningS3rver, startS3rver } from '@github-webhooks/object-store/src/testing';
import { apiGatewayHandler, createIngest, createRequestHandler } from '../src';
import { fakeDeps } from './support/fakes';

const push = exampleOf('push', (e) => (e.payload.repository as { private: boolean }).private === false);

const twoMiBPush = () => grownPush(2 * 1024 * 1024, push.payload);

let s3: RunningS3rver;
beforeAll(async () => {
  s3 = await startS3rver('archive');
});
afterAll(async () => {
  await s3.stop();
});

describe('an oversize delivery, end to end through S3', () => {
  it('goes by reference in the record and the all topic, omitted on the public topic, and resolves to the identical bytes', async () => {
    const store = new S3ObjectStore({ client: s3.client(), bucket: s3.bucket });
    const fakes = fakeDeps({ payloads: store });
    const request = signedRequest({ event: 'push', payload: twoMiBPush() });
    expect(request.body.length).toBeGreaterThan(2 * 1024 * 1024);
    const handle = apiGatewayHandler(createRequestHandler(createIngest(fakes.deps)));
    const result = await handle(
      httpApiEvent({ method: 'POST', path: '/webhook', headers: request.headers, body: request.body }),
    );
    expect(result.statusCode).toBe(202);

    const record = parseRecord(JSON.parse(fakes.archive.lines[0] ?? ''));
    const message = parseRecord(JSON.parse(fakes.topics.messages.all[0]?.body ?? ''));
    const publicMessage = JSON.parse(fakes.topics.messages.public[0]?.body ?? '{}') as Record<
      string,
      unknown
    >;
    expect(record.payload).toBeUndefined();
    expect(record.payload_ref).toEqual({
      key: `payloads/${request.id}-${createHash('sha256').update(request.body).digest('hex')}.json.gz`,
      bytes: request.body.length,
      sha256: createHash('sha256').update(request.body).digest('hex'),
    });
    expect(message.payload_ref).toEqual(record.payload_ref);
    // Anyone may read the public topic: it says the payload was omitted; the republisher derives the object.
    expect(publicMessage).toMatchObject({ payload_omitted: true, payload_bytes: request.body.length });
    expect(publicMessage).not.toHaveProperty('payload_ref');
    expect(omittedPayloadRef(publicMessage)).toEqual(record.payload_ref);
    const ref = record.payload_ref;
    if (!ref) throw new Error('expected a payload_ref');
    const stored = await store.readAll(ref.key);
    expect(Buffer.from(openPayloadObject(ref, stored)).equals(request.body)).toBe(true);
    expect(fakes.metrics.counts.get('StoredByReference')).toBe(1);
  });
});
