import {
  type DeliveryRequest,
  type ReceivedDelivery,
  type VerifyOptions,
  verifyAndParse,
  verifyAndParseOffThread,
} from '@github-webhooks/events';

/** Which bodies a server hashes on libuv's thread pool rather than its event loop. */
export interface OffThreadDigestLimits {
  /** Shorter bodies stay on the loop: handing them over costs about what hashing them does. */
  readonly minBytes: number;
  /**
   * Bytes handed over at once, at most. WebCrypto copies what it hashes, outside any body budget:
   * beyond this (a body this long, or many at once), bodies are hashed on the loop, without a copy,
   * so a flood of large bodies cannot double the memory they take.
   */
  readonly maxBytesInFlight: number;
}

type VerifyAndParse = (
  request: DeliveryRequest,
  options: VerifyOptions & { readonly secrets: readonly string[] },
) => ReceivedDelivery | Promise<ReceivedDelivery>;

/** `verifyAndParse`, a large body's digests on the thread pool within `limits`; unset: always on the loop. */
export function budgetedVerifyAndParse(limits: OffThreadDigestLimits | undefined): VerifyAndParse {
  if (limits === undefined) return verifyAndParse;
  let inFlight = 0;
  // Not an async function: a short body is verified and parsed at once, with no promise made for it.
  return (request, options) => {
    const bytes = request.rawBody.byteLength;
    if (bytes < limits.minBytes || inFlight + bytes > limits.maxBytesInFlight)
      return verifyAndParse(request, options);
    inFlight += bytes;
    return verifyAndParseOffThread(request, options).finally(() => {
      inFlight -= bytes;
    });
  };
}
