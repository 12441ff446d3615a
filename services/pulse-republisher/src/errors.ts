/** A queue message that can never be published, however often it is retried: it belongs in the DLQ. */
export class BadMessageError extends Error {
  override readonly name = 'BadMessageError';
}

/** The payload object could not be read now (a 403, throttling, network): a retry may succeed. */
export class PayloadUnavailableError extends Error {
  override readonly name = 'PayloadUnavailableError';
}
