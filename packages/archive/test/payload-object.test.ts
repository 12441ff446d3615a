import { gzipSync } from 'node:zlib';
import { NoSuchKeyError } from '@github-webhooks/object-store';
import { createPayloadObject, openPayloadObject, PayloadRefError, resolvePayloadRef } from '../src';

describe('payload objects', () => {
  const text = JSON.stringify({ big: 'x'.repeat(5000), n: 'ü' });

  it('round-trips the exact payload text', () => {
    const { ref, body } = createPayloadObject('g-1', text);
    expect(ref.key).toBe(`payloads/g-1-${ref.sha256}.json.gz`);
    expect(ref.bytes).toBe(Buffer.byteLength(text));
    expect(body.length).toBeLessThan(ref.bytes);
    expect(openPayloadObject(ref, body)).toBe(text);
  });

  it.each([
    ['not gzip', (b: Buffer) => Buffer.concat([Buffer.from('xx'), b])],
    ['other content', () => gzipSync(`${text} `)],
    ['same size, other bytes', () => gzipSync(text.replace('ü', 'ä'))],
  ])('refuses an object that is %s', (_name, corrupt) => {
    const { ref, body } = createPayloadObject('g-1', text);
    expect(() => openPayloadObject(ref, corrupt(body))).toThrow(PayloadRefError);
  });
});

describe('resolvePayloadRef', () => {
  const text = JSON.stringify({ repository: { full_name: 'o/r' }, pad: 'y'.repeat(3000) });
  const { ref, body } = createPayloadObject('g-2', text);
  const store = (read: () => Promise<Buffer>) => ({ readAll: read });

  it.each([
    ['the payload text, checked', async () => body, { kind: 'ok', text }],
    [
      'missing only for a true no-such-key',
      async () => {
        throw new NoSuchKeyError(ref.key);
      },
      { kind: 'missing' },
    ],
    [
      'corrupt for an object that is not what the reference says',
      async () => gzipSync('{}'),
      { kind: 'corrupt' },
    ],
  ])('resolves to %s', async (_name, read, expected) => {
    expect(await resolvePayloadRef(store(read), ref)).toMatchObject(expected);
  });

  it('refuses a reference outside payloads/ without reading it', async () => {
    const read = jest.fn(async () => body);
    expect(
      await resolvePayloadRef(store(read), { ...ref, key: 'hourly/2026/11/28/15.ndjson.gz' }),
    ).toMatchObject({
      kind: 'corrupt',
      reason: expect.stringContaining('not under payloads/'),
    });
    expect(read).not.toHaveBeenCalled();
  });

  it.each([
    ['a 403 (S3 without s3:ListBucket, or a wrong policy)', 'AccessDenied'],
    ['throttling', 'SlowDown'],
    ['the network', 'TimeoutError'],
  ])('throws on %s, to be retried: never taken for a missing payload', async (_name, name) => {
    const failure = Object.assign(new Error(name), { name });
    await expect(
      resolvePayloadRef(
        store(async () => {
          throw failure;
        }),
        ref,
      ),
    ).rejects.toBe(failure);
  });
});
