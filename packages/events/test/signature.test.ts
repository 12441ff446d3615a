import { githubExamples, githubSignature } from '@github-webhooks/fixtures';
import fc from 'fast-check';
import { sign, verifySignature } from '../src';

// GitHub's published test vector (docs: "Validating webhook deliveries").
const VECTOR = {
  secret: "It's a Secret to Everybody",
  body: Buffer.from('Hello, World!'),
  sha256: 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
};

describe('verifySignature', () => {
  it("passes GitHub's published test vector", () => {
    expect(verifySignature(VECTOR.body, { sha256: VECTOR.sha256 }, [VECTOR.secret])).toEqual({
      valid: true,
      algorithm: 'sha256',
      secretIndex: 0,
    });
    expect(sign(VECTOR.secret, VECTOR.body)).toBe(VECTOR.sha256);
  });

  it('reports which secret matched, for rotation', () => {
    const result = verifySignature(VECTOR.body, { sha256: VECTOR.sha256 }, ['new-secret', VECTOR.secret]);
    expect(result).toEqual({ valid: true, algorithm: 'sha256', secretIndex: 1 });
  });

  it.each([
    ['wrong secret', { sha256: VECTOR.sha256 }, ['other'], {}, 'mismatch'],
    ['no signature', {}, [VECTOR.secret], {}, 'missing'],
    ['sha1 only, not enabled', { sha1: `sha1=${'0'.repeat(40)}` }, [VECTOR.secret], {}, 'sha1_disabled'],
    [
      'sha1 wrong, enabled',
      { sha1: `sha1=${'0'.repeat(40)}` },
      [VECTOR.secret],
      { allowSha1: true },
      'mismatch',
    ],
  ])('rejects: %s', (_name, signatures, secrets, options, reason) => {
    expect(verifySignature(VECTOR.body, signatures, secrets, options)).toEqual({ valid: false, reason });
  });

  it('accepts X-Hub-Signature (SHA-1) only when enabled', () => {
    const sha1 = sign(VECTOR.secret, VECTOR.body, 'sha1');
    expect(verifySignature(VECTOR.body, { sha1 }, [VECTOR.secret], { allowSha1: true })).toEqual({
      valid: true,
      algorithm: 'sha1',
      secretIndex: 0,
    });
    expect(verifySignature(VECTOR.body, { sha1 }, [VECTOR.secret])).toEqual({
      valid: false,
      reason: 'sha1_disabled',
    });
  });

  it('prefers SHA-256 when both are present', () => {
    const sha1 = sign(VECTOR.secret, VECTOR.body, 'sha1');
    const result = verifySignature(VECTOR.body, { sha256: VECTOR.sha256, sha1 }, [VECTOR.secret], {
      allowSha1: true,
    });
    expect(result).toMatchObject({ valid: true, algorithm: 'sha256' });
  });

  it('refuses to run without secrets', () => {
    expect(() => verifySignature(VECTOR.body, { sha256: VECTOR.sha256 }, [])).toThrow(TypeError);
  });

  it('verifies every real example payload signed by GitHub-style HMAC', () => {
    const examples = githubExamples();
    expect(examples.length).toBeGreaterThan(300);
    for (const example of examples) {
      const body = Buffer.from(JSON.stringify(example.payload));
      const result = verifySignature(body, { sha256: githubSignature('s3cret', body) }, ['s3cret']);
      expect(result).toMatchObject({ valid: true });
    }
  });

  it('fails when any byte of a signed body is changed', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 512 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (bytes, at, delta) => {
          const body = Buffer.from(bytes);
          const signature = githubSignature('k', body);
          const i = at % body.length;
          body[i] = ((body[i] ?? 0) + delta) % 256;
          expect(verifySignature(body, { sha256: signature }, ['k'])).toEqual({
            valid: false,
            reason: 'mismatch',
          });
        },
      ),
    );
  });
});
