import { createHash } from 'node:crypto';
import { readDeliveryRequest, SignatureError } from '@github-webhooks/events';
import { signedRequest, TEST_SECRET } from '@github-webhooks/fixtures';
import { budgetedVerifyAndParse } from '../src';

const options = { secrets: [TEST_SECRET] };
const requestOf = (bytes: number) => {
  const signed = signedRequest({ event: 'push', payload: { pad: 'x'.repeat(Math.max(0, bytes - 10)) } });
  return readDeliveryRequest({ headers: signed.headers, body: signed.body });
};
// Handed to the thread pool, the answer is a promise; verified on the event loop, it is there at once.
const handedOver = (result: unknown) => result instanceof Promise;

describe('budgetedVerifyAndParse', () => {
  const long = requestOf(3_000);
  const bytes = long.rawBody.byteLength;

  it('hands over nothing without limits, and no short body with them', () => {
    expect(handedOver(budgetedVerifyAndParse(undefined)(long, options))).toBe(false);
    const verify = budgetedVerifyAndParse({ minBytes: 2_000, maxBytesInFlight: 1 << 30 });
    expect(handedOver(verify(requestOf(1_000), options))).toBe(false);
  });

  it('hands over long bodies while the bytes in flight stay within the budget, and frees them after', async () => {
    const verify = budgetedVerifyAndParse({ minBytes: 2_000, maxBytesInFlight: bytes * 1.5 });
    const [first, second] = [verify(long, options), verify(long, options)];
    expect([handedOver(first), handedOver(second)]).toEqual([true, false]);
    // The same delivery either way; handed over, it brings the body's digest for the record.
    const { payloadSha256, ...delivery } = (await first).delivery;
    expect(delivery).toEqual((await second).delivery);
    expect(payloadSha256).toBe(createHash('sha256').update(long.rawBody).digest('hex'));
    expect(handedOver(verify(long, options))).toBe(true);
  });

  it('frees the bytes of a body that fails its signature', async () => {
    const forged = { ...long, signatures: { sha256: `sha256=${'0'.repeat(64)}` } };
    const verify = budgetedVerifyAndParse({ minBytes: 0, maxBytesInFlight: bytes });
    await expect(verify(forged, options)).rejects.toBeInstanceOf(SignatureError);
    const again = verify(forged, options);
    expect(handedOver(again)).toBe(true);
    await expect(again).rejects.toBeInstanceOf(SignatureError);
  });

  it('never hands over a body longer than the budget', () => {
    const verify = budgetedVerifyAndParse({ minBytes: 0, maxBytesInFlight: bytes - 1 });
    expect(handedOver(verify(long, options))).toBe(false);
  });
});
