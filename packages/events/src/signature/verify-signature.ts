import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Signatures } from '../delivery/types';

export type SignatureAlgorithm = 'sha256' | 'sha1';

export interface VerifyOptions {
  /** Accept `X-Hub-Signature` (HMAC-SHA1) when no SHA-256 signature is present. Off by default. */
  readonly allowSha1?: boolean;
}

export type VerifyResult =
  | {
      readonly valid: true;
      readonly algorithm: SignatureAlgorithm /** Which secret matched (rotation). */;
      readonly secretIndex: number;
    }
  | { readonly valid: false; readonly reason: 'missing' | 'sha1_disabled' | 'mismatch' };

/**
 * HMAC over the bytes exactly as received, compared in constant time against each secret.
 * node:crypto rather than @octokit/webhooks-methods: that library takes the body as a string, and
 * a decode/re-encode round trip is not the bytes GitHub signed when they are not valid UTF-8.
 */
export function verifySignature(
  body: Uint8Array,
  signatures: Signatures,
  secrets: readonly string[],
  options: VerifyOptions = {},
): VerifyResult {
  const wanted = expectedSignature(signatures, secrets, options);
  if ('valid' in wanted) return wanted;
  for (const [secretIndex, secret] of secrets.entries()) {
    const actual = createHmac(wanted.algorithm, secret).update(body).digest();
    if (sameDigest(actual, wanted.expected)) return { valid: true, algorithm: wanted.algorithm, secretIndex };
  }
  return { valid: false, reason: 'mismatch' };
}

/** The signature a body must carry (its algorithm and bytes), or why there is none to check. */
export function expectedSignature(
  signatures: Signatures,
  secrets: readonly string[],
  options: VerifyOptions,
): { readonly algorithm: SignatureAlgorithm; readonly expected: Buffer } | VerifyResult {
  if (secrets.length === 0) throw new TypeError('verifySignature needs at least one secret');
  const choice = chooseSignature(signatures, options);
  if (!('signature' in choice)) return { valid: false, reason: choice.reason };
  return {
    algorithm: choice.algorithm,
    expected: Buffer.from(choice.signature.slice(choice.algorithm.length + 1), 'hex'),
  };
}

function chooseSignature(
  signatures: Signatures,
  options: VerifyOptions,
): { algorithm: SignatureAlgorithm; signature: string } | { reason: 'missing' | 'sha1_disabled' } {
  if (signatures.sha256 !== undefined) return { algorithm: 'sha256', signature: signatures.sha256 };
  if (signatures.sha1 === undefined) return { reason: 'missing' };
  if (!options.allowSha1) return { reason: 'sha1_disabled' };
  return { algorithm: 'sha1', signature: signatures.sha1 };
}

/** Compared in constant time: how long a wrong signature takes tells nothing of the right one. */
export function sameDigest(actual: Uint8Array, expected: Uint8Array): boolean {
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** The `X-Hub-Signature-256` value GitHub would send for this body (for tests, `send`, and replays). */
export function sign(
  secret: string,
  body: Uint8Array | string,
  algorithm: SignatureAlgorithm = 'sha256',
): string {
  return `${algorithm}=${createHmac(algorithm, secret).update(body).digest('hex')}`;
}
