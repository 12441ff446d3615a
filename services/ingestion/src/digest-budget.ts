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

/**
 * The limits for a server with many requests at once on a machine's cores (serve). From 64 KiB:
 * WebCrypto copies its input first, on the event loop; for a 1 MiB body that copy costs ~0.8 ms
 * against ~1.5 ms of hashing (HMAC and SHA-256) it takes off the loop, and below 64 KiB the saving is
 * tens of µs, not worth the extra CPU. At most 16 MiB at once: sixteen 1 MiB deliveries; a body longer
 * than that is hashed on the loop.
 */
export const SERVER_DIGEST_LIMITS: OffThreadDigestLimits = {
  minBytes: 64 * 1024,
  maxBytesInFlight: 16 * 1024 * 1024,
};

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
