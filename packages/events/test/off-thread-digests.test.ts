import { createHash } from 'node:crypto';
import { allExamples, githubExamples, signedRequest, TEST_SECRET } from '@github-webhooks/fixtures';
import {
  type DeliveryRequest,
  MalformedPayloadError,
  readDeliveryRequest,
  SignatureError,
  sha256HexOffThread,
  sign,
  type VerifyOptions,
  verifyAndParse,
  verifyAndParseOffThread,
  verifySignature,
  verifySignatureOffThread,
} from '../src';

// GitHub's published test vector (docs: "Validating webhook deliveries").
const VECTOR = {
  secret: "It's a Secret to Everybody",
  body: Buffer.from('Hello, World!'),
  sha256: 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
};
const sha1 = sign(VECTOR.secret, VECTOR.body, 'sha1');

describe('verifySignatureOffThread', () => {
  // Each case is checked against verifySignature: the two must never disagree.
  it.each<[string, { sha256?: string; sha1?: string }, string[], VerifyOptions, object]>([
    ["GitHub's test vector", { sha256: VECTOR.sha256 }, [VECTOR.secret], {}, { valid: true, secretIndex: 0 }],
    [
      'the second secret (rotation)',
      { sha256: VECTOR.sha256 },
      ['new', VECTOR.secret],
      {},
      { secretIndex: 1 },
    ],
    ['a wrong secret', { sha256: VECTOR.sha256 }, ['other'], {}, { valid: false, reason: 'mismatch' }],
    ['no signature', {}, [VECTOR.secret], {}, { valid: false, reason: 'missing' }],
    ['SHA-1, not enabled', { sha1 }, [VECTOR.secret], {}, { valid: false, reason: 'sha1_disabled' }],
    ['SHA-1, enabled', { sha1 }, [VECTOR.secret], { allowSha1: true }, { valid: true, algorithm: 'sha1' }],
    [
      'a wrong SHA-1, enabled',
      { sha1: `sha1=${'0'.repeat(40)}` },
      [VECTOR.secret],
      { allowSha1: true },
      { valid: false, reason: 'mismatch' },
    ],
    [
      'both, SHA-256 preferred',
      { sha256: VECTOR.sha256, sha1 },
      [VECTOR.secret],
      { allowSha1: true },
      { algorithm: 'sha256' },
    ],
  ])('%s', async (_name, signatures, secrets, options, expected) => {
    const result = await verifySignatureOffThread(VECTOR.body, signatures, secrets, options);
    expect(result).toMatchObject(expected);
    expect(result).toEqual(verifySignature(VECTOR.body, signatures, secrets, options));
  });

  it('fails when one byte of the body differs', async () => {
    const body = Buffer.from(VECTOR.body);
    body[0] = 0x68;
    expect(await verifySignatureOffThread(body, { sha256: VECTOR.sha256 }, [VECTOR.secret])).toEqual({
      valid: false,
      reason: 'mismatch',
    });
  });

  it('refuses to run without secrets', async () => {
    await expect(verifySignatureOffThread(VECTOR.body, { sha256: VECTOR.sha256 }, [])).rejects.toThrow(
      TypeError,
    );
  });
});

describe('sha256HexOffThread', () => {
  it('is the SHA-256 of every real example, and of a view into a larger buffer', async () => {
    for (const example of githubExamples()) {
      const body = Buffer.from(JSON.stringify(example.payload));
      expect(await sha256HexOffThread(body)).toBe(createHash('sha256').update(body).digest('hex'));
    }
    const view = Buffer.from('xxHello, World!yy').subarray(2, 15);
    expect(await sha256HexOffThread(view)).toBe(createHash('sha256').update(VECTOR.body).digest('hex'));
  });
});

describe('verifyAndParseOffThread', () => {
  const options = { secrets: [TEST_SECRET] };
  const requestOf = (headers: Record<string, string>, body: Buffer): DeliveryRequest =>
    readDeliveryRequest({ headers, body }, { requireSignature: false });

  it('gives the delivery verifyAndParse gives, with the digest of a JSON body, for every real example', async () => {
    for (const example of allExamples()) {
      for (const form of [false, true]) {
        const signed = signedRequest({ event: example.event, payload: example.payload, form });
        const request = requestOf(signed.headers, signed.body);
        const off = await verifyAndParseOffThread(request, options);
        const { payloadSha256, ...delivery } = off.delivery;
        expect({ ...off, delivery }).toEqual(verifyAndParse(request, options));
        // A JSON body is the payload's bytes, and its digest is kept for the record.
        expect(payloadSha256).toBe(form ? undefined : createHash('sha256').update(signed.body).digest('hex'));
      }
    }
  });

  it('refuses a wrong signature with 401 before it looks at the payload', async () => {
    const signed = signedRequest({ event: 'push', payload: {} });
    const request = requestOf(signed.headers, Buffer.from('not json'));
    await expect(verifyAndParseOffThread(request, options)).rejects.toBeInstanceOf(SignatureError);
  });

  it('refuses a signed body that is not a JSON object with 400', async () => {
    const signed = signedRequest({ event: 'push', body: '[1,2]' });
    const error = await verifyAndParseOffThread(requestOf(signed.headers, signed.body), options).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MalformedPayloadError);
    expect((error as MalformedPayloadError).status).toBe(400);
  });

  it('checks nothing without secrets', async () => {
    const signed = signedRequest({ event: 'push', payload: { zen: 'z' } });
    const request = requestOf(
      { ...signed.headers, 'X-Hub-Signature-256': `sha256=${'0'.repeat(64)}` },
      signed.body,
    );
    const received = await verifyAndParseOffThread(request, { secrets: [] });
    expect(received.secretIndex).toBeUndefined();
    expect(received.delivery.payload).toEqual({ zen: 'z' });
  });
});
