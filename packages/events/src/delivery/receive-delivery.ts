import { sha256HexOffThread, verifySignatureOffThread } from '../signature/off-thread-digests';
import { type VerifyOptions, type VerifyResult, verifySignature } from '../signature/verify-signature';
import { SignatureError } from './errors';
import { parsePayload } from './parse-payload';
import { type ReadRequestOptions, readDeliveryRequest } from './read-request';
import type { Delivery, DeliveryRequest, HttpRequest } from './types';

export interface ReceiveOptions extends VerifyOptions, Omit<ReadRequestOptions, 'requireSignature'> {
  /** Current and previous webhook secrets. An empty list disables verification (local use only). */
  readonly secrets: readonly string[];
}

export interface ReceivedDelivery {
  readonly delivery: Delivery;
  /** Index of the secret that matched, or undefined when verification is disabled. */
  readonly secretIndex: number | undefined;
}

/**
 * The whole check of an incoming delivery in a fixed order: content type (415), headers (400),
 * size (413), signature (401), payload (400). Throws a DeliveryError carrying the status.
 */
export function receiveDelivery(request: HttpRequest, options: ReceiveOptions): ReceivedDelivery {
  const verify = options.secrets.length > 0;
  return verifyAndParse(readDeliveryRequest(request, { ...options, requireSignature: verify }), options);
}

/**
 * The second half of `receiveDelivery`, for callers that fetch the secrets only once the request's
 * headers and size have passed: signature (401), then payload (400). No secrets: no verification.
 */
export function verifyAndParse(
  request: DeliveryRequest,
  options: VerifyOptions & { readonly secrets: readonly string[] },
): ReceivedDelivery {
  const secretIndex =
    options.secrets.length > 0
      ? secretIndexOf(verifySignature(request.rawBody, request.signatures, options.secrets, options))
      : undefined;
  return { delivery: parsePayload(request), secretIndex };
}

/** The secret that matched, or the 401 (SignatureError): one rule, on the event loop or off it. */
function secretIndexOf(result: VerifyResult): number {
  if (!result.valid) throw new SignatureError(`signature check failed: ${result.reason}`);
  return result.secretIndex;
}

/**
 * `verifyAndParse` for a large body: its HMAC is computed on libuv's thread pool (WebCrypto), so the
 * event loop serves other requests meanwhile; once the signature held, the body's SHA-256 (the
 * record's `payload_sha256`, for a JSON body) is computed there too while the payload is parsed.
 * Nothing of a body that fails its signature is parsed or hashed again. The same statuses, in the
 * same order. WebCrypto copies what it hashes: the caller bounds how many bytes it hands over.
 */
export async function verifyAndParseOffThread(
  request: DeliveryRequest,
  options: VerifyOptions & { readonly secrets: readonly string[] },
): Promise<ReceivedDelivery> {
  const { rawBody } = request;
  const secretIndex =
    options.secrets.length > 0
      ? secretIndexOf(await verifySignatureOffThread(rawBody, request.signatures, options.secrets, options))
      : undefined;
  // Only a JSON body can be the payload's bytes; a form's payload is decoded out of it.
  if (request.contentType !== 'application/json') return { delivery: parsePayload(request), secretIndex };
  const digest = sha256HexOffThread(rawBody);
  let delivery: Delivery;
  try {
    delivery = parsePayload(request);
  } catch (error) {
    await Promise.allSettled([digest]); // settled before the error goes on: no rejection left unheard
    throw error;
  }
  const payloadSha256 = await digest;
  // The body's digest is the payload's only when the body is the payload's bytes.
  return {
    delivery: delivery.payloadBytes === undefined ? delivery : { ...delivery, payloadSha256 },
    secretIndex,
  };
}
