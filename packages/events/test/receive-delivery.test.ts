import { allExamples, signedRequest, TEST_SECRET } from '@github-webhooks/fixtures';
import fc from 'fast-check';
import {
  DeliveryError,
  GITHUB_MAX_PAYLOAD_BYTES,
  InvalidHeaderError,
  isDeliveryError,
  MalformedPayloadError,
  PayloadTooLargeError,
  receiveDelivery,
  SignatureError,
  singleLine,
  UnsupportedMediaTypeError,
} from '../src';

const options = { secrets: [TEST_SECRET] };
const push = { ref: 'refs/heads/main', repository: { full_name: 'o/r', private: false } };

const rejectionOf = (fn: () => unknown): DeliveryError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof DeliveryError) return error;
    throw error;
  }
  throw new Error('expected a DeliveryError');
};

describe('receiveDelivery', () => {
  it('parses every real example, as JSON and as a form, and keeps the raw bytes', () => {
    const examples = allExamples();
    expect(examples.length).toBeGreaterThan(400);
    for (const example of examples) {
      for (const form of [false, true]) {
        const request = signedRequest({ event: example.event, payload: example.payload, form });
        const { delivery, secretIndex } = receiveDelivery(
          { headers: request.headers, body: request.body.toString('base64'), isBase64Encoded: true },
          options,
        );
        expect(secretIndex).toBe(0);
        expect(delivery.id).toBe(request.id);
        expect(delivery.event).toBe(example.event);
        expect(delivery.payload).toEqual(example.payload);
        expect(delivery.rawBody.equals(request.body)).toBe(true);
        expect(JSON.parse(delivery.payloadText)).toEqual(example.payload);
        // Only a JSON body is the payload's text byte for byte.
        if (form) expect(delivery.payloadBytes).toBeUndefined();
        else expect(delivery.payloadBytes?.toString('utf8')).toBe(delivery.payloadText);
      }
    }
  });

  it('reads the optional headers', () => {
    const request = signedRequest({ event: 'push', payload: push, hookId: '777' });
    const { delivery } = receiveDelivery({ headers: request.headers, body: request.body }, options);
    expect(delivery).toMatchObject({
      hookId: '777',
      target: { type: 'organization', id: '42' },
      contentType: 'application/json',
      signatures: { sha256: request.headers['X-Hub-Signature-256'] },
    });
  });

  it('treats header names case-insensitively and accepts a charset', () => {
    const request = signedRequest({ event: 'push', payload: push });
    const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toUpperCase(), v]));
    headers['CONTENT-TYPE'] = 'application/json; charset=utf-8';
    expect(receiveDelivery({ headers, body: request.body.toString() }, options).delivery.event).toBe('push');
  });

  it('takes the first value of a repeated header', () => {
    const request = signedRequest({ event: 'push', payload: push });
    const headers = { ...request.headers, 'X-GitHub-Event': ['push', 'issues'], 'X-Other': undefined };
    expect(receiveDelivery({ headers, body: request.body }, options).delivery.event).toBe('push');
  });

  it('marks its errors as delivery errors', () => {
    expect(isDeliveryError(new SignatureError('x'))).toBe(true);
    expect(isDeliveryError(new Error('x'))).toBe(false);
  });

  it('makes pretty-printed JSON one line without changing the value', () => {
    const body = JSON.stringify(push, null, 2);
    const request = signedRequest({ event: 'push', body });
    const { delivery } = receiveDelivery({ headers: request.headers, body: request.body }, options);
    expect(delivery.payloadText).not.toMatch(/[\r\n]/);
    expect(JSON.parse(delivery.payloadText)).toEqual(push);
    expect(delivery.payloadBytes).toBeUndefined();
    const padded = signedRequest({ event: 'push', body: ` ${JSON.stringify(push)}\t` });
    expect(
      receiveDelivery({ headers: padded.headers, body: padded.body }, options).delivery.payloadBytes,
    ).toBeUndefined();
    expect(singleLine('{"a":\r\n"b"}')).toBe('{"a":  "b"}');
  });

  it('skips verification when no secrets are configured', () => {
    const request = signedRequest({ event: 'push', payload: push });
    const { 'X-Hub-Signature-256': _omit, ...headers } = request.headers;
    expect(receiveDelivery({ headers, body: request.body }, { secrets: [] }).secretIndex).toBeUndefined();
  });

  const base = signedRequest({ event: 'push', payload: push });
  const without = (name: string) =>
    Object.fromEntries(Object.entries(base.headers).filter(([k]) => k !== name));
  const cases: [
    string,
    Record<string, string>,
    string,
    abstract new (...args: never[]) => DeliveryError,
    number,
  ][] = [
    ['no content type', without('Content-Type'), base.body.toString(), UnsupportedMediaTypeError, 415],
    [
      'text/plain',
      { ...base.headers, 'Content-Type': 'text/plain' },
      base.body.toString(),
      UnsupportedMediaTypeError,
      415,
    ],
    ['no delivery id', without('X-GitHub-Delivery'), base.body.toString(), InvalidHeaderError, 400],
    [
      'bad delivery id',
      { ...base.headers, 'X-GitHub-Delivery': '../etc' },
      base.body.toString(),
      InvalidHeaderError,
      400,
    ],
    ['no event', without('X-GitHub-Event'), base.body.toString(), InvalidHeaderError, 400],
    [
      'bad event',
      { ...base.headers, 'X-GitHub-Event': 'Push!' },
      base.body.toString(),
      InvalidHeaderError,
      400,
    ],
    [
      'bad hook id',
      { ...base.headers, 'X-GitHub-Hook-ID': 'abc' },
      base.body.toString(),
      InvalidHeaderError,
      400,
    ],
    ['no signature', without('X-Hub-Signature-256'), base.body.toString(), InvalidHeaderError, 400],
    [
      'malformed signature',
      { ...base.headers, 'X-Hub-Signature-256': 'sha256=xyz' },
      '{}',
      InvalidHeaderError,
      400,
    ],
    ['wrong signature', base.headers, `${base.body.toString()} `, SignatureError, 401],
    [
      'sha1 only',
      { ...without('X-Hub-Signature-256'), 'X-Hub-Signature': `sha1=${'a'.repeat(40)}` },
      '{}',
      SignatureError,
      401,
    ],
  ];
  it.each(cases)('rejects %s', (_name, headers, body, type, status) => {
    const error = rejectionOf(() => receiveDelivery({ headers, body }, options));
    expect(error).toBeInstanceOf(type);
    expect(error.status).toBe(status);
    expect(error.name).toBe(type.name);
  });

  it.each([
    ['not JSON', 'not json', false],
    ['a JSON array', '[1,2]', false],
    ['JSON null', 'null', false],
    ['a form without payload', 'other=1', true],
  ])('rejects a signed body that is %s with 400', (_name, body, form) => {
    const request = signedRequest({ event: 'push', body, form });
    const raw = form ? Buffer.from(body) : request.body;
    const headers = {
      ...request.headers,
      'X-Hub-Signature-256': signedRequest({ event: 'push', body: raw }).headers['X-Hub-Signature-256'] ?? '',
    };
    const error = rejectionOf(() => receiveDelivery({ headers, body: raw }, options));
    expect(error).toBeInstanceOf(MalformedPayloadError);
    expect(error.status).toBe(400);
  });

  it('rejects a signed body that is not UTF-8 with 400', () => {
    const body = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    const request = signedRequest({ event: 'push', body });
    expect(rejectionOf(() => receiveDelivery({ headers: request.headers, body }, options))).toBeInstanceOf(
      MalformedPayloadError,
    );
  });

  it('rejects bodies over the limit with 413 before checking the signature', () => {
    const request = signedRequest({ event: 'push', body: 'x'.repeat(101) });
    const small = { ...options, maxBytes: 100 };
    const plain = rejectionOf(() =>
      receiveDelivery({ headers: request.headers, body: 'x'.repeat(101) }, small),
    );
    expect(plain).toBeInstanceOf(PayloadTooLargeError);
    expect(plain.status).toBe(413);
    const b64 = Buffer.alloc(200).toString('base64');
    const encoded = rejectionOf(() =>
      receiveDelivery({ headers: request.headers, body: b64, isBase64Encoded: true }, small),
    );
    expect(encoded).toBeInstanceOf(PayloadTooLargeError);
    expect(GITHUB_MAX_PAYLOAD_BYTES).toBe(26_214_400);
  });

  it('checks content type before headers, headers before size, size before signature', () => {
    const huge = 'x'.repeat(200);
    expect(
      rejectionOf(() => receiveDelivery({ headers: {}, body: huge }, { ...options, maxBytes: 10 })).status,
    ).toBe(415);
    const onlyType = { 'content-type': 'application/json' };
    expect(
      rejectionOf(() => receiveDelivery({ headers: onlyType, body: huge }, { ...options, maxBytes: 10 }))
        .status,
    ).toBe(400);
    expect(
      rejectionOf(() => receiveDelivery({ headers: base.headers, body: huge }, { ...options, maxBytes: 10 }))
        .status,
    ).toBe(413);
    expect(rejectionOf(() => receiveDelivery({ headers: base.headers, body: huge }, options)).status).toBe(
      401,
    );
  });

  it('treats a missing body as empty', () => {
    expect(
      rejectionOf(() => receiveDelivery({ headers: base.headers, body: undefined }, options)).status,
    ).toBe(401);
  });

  it('throws nothing but typed delivery errors on arbitrary input', () => {
    const headerName = fc.constantFrom(
      'content-type',
      'x-github-delivery',
      'x-github-event',
      'x-hub-signature-256',
      'x-hub-signature',
      'x-github-hook-id',
      'x-github-hook-installation-target-type',
      'x-github-hook-installation-target-id',
    );
    const headerValue = fc.oneof(
      fc.string(),
      fc.constantFrom(
        'application/json',
        'application/x-www-form-urlencoded',
        'push',
        'abc-123',
        base.headers['X-Hub-Signature-256'] ?? '',
      ),
    );
    fc.assert(
      fc.property(
        fc.dictionary(headerName, headerValue),
        fc.oneof(fc.uint8Array(), fc.string(), fc.constant(undefined)),
        fc.boolean(),
        (headers, body, isBase64Encoded) => {
          try {
            receiveDelivery({ headers, body, isBase64Encoded }, options);
          } catch (error) {
            expect(error).toBeInstanceOf(DeliveryError);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
