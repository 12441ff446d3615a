/** A queue message that can never be published, however often it is retried: it belongs in the DLQ. */
export class BadMessageError extends Error {
  override readonly name = 'BadMessageError';
}

/** The payload object could not be read now (a 403, throttling, network): a retry may succeed. */
export class PayloadUnavailableError extends Error {
  override readonly name = 'PayloadUnavailableError';
}

/** The broker did not confirm every message of a delivery: it is not in the ledger, and will be retried. */
export class PublishFailedError extends Error {
  override readonly name = 'PublishFailedError';

  constructor(readonly failures: readonly unknown[]) {
    super(`${failures.length} publish(es) not confirmed`, { cause: failures[0] });
  }
}
