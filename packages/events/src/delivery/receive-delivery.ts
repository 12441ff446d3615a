import { type VerifyOptions, verifySignature } from '../signature/verify-signature';
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
  let secretIndex: number | undefined;
  if (options.secrets.length > 0) {
    const result = verifySignature(request.rawBody, request.signatures, options.secrets, options);
    if (!result.valid) throw new SignatureError(`signature check failed: ${result.reason}`);
    secretIndex = result.secretIndex;
  }
  return { delivery: parsePayload(request), secretIndex };
}
