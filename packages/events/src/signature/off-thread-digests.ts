import { subtle, type webcrypto } from 'node:crypto';
import type { Signatures } from '../delivery/types';
import {
  expectedSignature,
  type SignatureAlgorithm,
  sameDigest,
  type VerifyOptions,
  type VerifyResult,
} from './verify-signature';

const HASH: Readonly<Record<SignatureAlgorithm, string>> = { sha256: 'SHA-256', sha1: 'SHA-1' };

/** Imported keys, by algorithm and secret: a secret list is short and changes only on rotation. */
const keys = new Map<string, Promise<webcrypto.CryptoKey>>();

function hmacKey(algorithm: SignatureAlgorithm, secret: string): Promise<webcrypto.CryptoKey> {
  const id = `${algorithm}:${secret}`;
  let key = keys.get(id);
  if (key === undefined) {
    if (keys.size >= 16) keys.clear(); // rotated secrets are not kept for ever
    key = subtle.importKey(
      'raw',
      Buffer.from(secret, 'utf8'),
      { name: 'HMAC', hash: HASH[algorithm] },
      false,
      ['sign'],
    );
    keys.set(id, key);
  }
  return key;
}

/**
 * `verifySignature`, with each HMAC computed on the thread pool: the same rules and the same
 * result, while the event loop serves other requests.
 */
export async function verifySignatureOffThread(
  body: Uint8Array,
  signatures: Signatures,
  secrets: readonly string[],
  options: VerifyOptions = {},
): Promise<VerifyResult> {
  const wanted = expectedSignature(signatures, secrets, options);
  if ('valid' in wanted) return wanted;
  for (const [secretIndex, secret] of secrets.entries()) {
    const actual = await subtle.sign('HMAC', await hmacKey(wanted.algorithm, secret), body);
    if (sameDigest(new Uint8Array(actual), wanted.expected))
      return { valid: true, algorithm: wanted.algorithm, secretIndex };
  }
  return { valid: false, reason: 'mismatch' };
}

/** The SHA-256 of `bytes` in hex, computed on the thread pool. */
export async function sha256HexOffThread(bytes: Uint8Array): Promise<string> {
  return Buffer.from(await subtle.digest('SHA-256', bytes)).toString('hex');
}
