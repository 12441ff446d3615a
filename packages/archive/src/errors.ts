/** A payload object does not match its reference (not gzip, other size, other digest). */
export class PayloadRefError extends Error {
  override readonly name = 'PayloadRefError';
}
