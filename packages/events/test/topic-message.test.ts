import { formatOmittedMessage, omittedPayloadRef, payloadKey } from '../src';

const sha = 'a'.repeat(64);
const meta = {
  deliveryId: 'g-1',
  event: 'push',
  receivedAt: new Date('2026-11-28T15:06:18.123Z'),
  public: true,
  privacy: 'allowlisted',
  repository: 'o/r',
  action: null,
};

describe('formatOmittedMessage / omittedPayloadRef', () => {
  it('writes the record head with payload_omitted, size and digest, and no pointer into the bucket', () => {
    const message = JSON.parse(
      formatOmittedMessage(meta, { key: payloadKey('g-1', sha), bytes: 300_000, sha256: sha }),
    );
    expect(message).toMatchObject({
      delivery_id: 'g-1',
      public: true,
      payload_omitted: true,
      payload_bytes: 300_000,
      payload_sha256: sha,
    });
    expect(Object.keys(message)).not.toContain('payload_ref');
    expect(omittedPayloadRef(message)).toEqual({ key: payloadKey('g-1', sha), bytes: 300_000, sha256: sha });
  });

  it.each([
    ['not omitted', { delivery_id: 'g-1', payload_sha256: sha, payload_bytes: 1 }],
    ['omitted: "yes"', { payload_omitted: 'yes', delivery_id: 'g-1', payload_sha256: sha, payload_bytes: 1 }],
    ['no GUID', { payload_omitted: true, payload_sha256: sha, payload_bytes: 1 }],
    [
      'a bad digest',
      { payload_omitted: true, delivery_id: 'g-1', payload_sha256: 'A'.repeat(64), payload_bytes: 1 },
    ],
    ['no digest', { payload_omitted: true, delivery_id: 'g-1', payload_bytes: 1 }],
    [
      'a negative size',
      { payload_omitted: true, delivery_id: 'g-1', payload_sha256: sha, payload_bytes: -1 },
    ],
    [
      'a fractional size',
      { payload_omitted: true, delivery_id: 'g-1', payload_sha256: sha, payload_bytes: 1.5 },
    ],
    ['no size', { payload_omitted: true, delivery_id: 'g-1', payload_sha256: sha }],
  ])('stands for no object with %s', (_name, value) => {
    expect(omittedPayloadRef(value)).toBeUndefined();
  });
});
