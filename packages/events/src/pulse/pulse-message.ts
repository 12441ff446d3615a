export interface PulseMessageInput {
  readonly event: string;
  /** The delivery GUID (`X-GitHub-Delivery`). */
  readonly deliveryId: string;
  /** The payload's JSON text, on one line. */
  readonly payloadText: string;
}

/**
 * The body consumers of the original system parse: exactly the keys `event`, `request_id`,
 * `payload`. The payload text is spliced in as received rather than re-serialized.
 */
export function pulseMessageBody(input: PulseMessageInput): Buffer {
  return Buffer.from(
    `{"event":${JSON.stringify(input.event)},"request_id":${JSON.stringify(input.deliveryId)},"payload":${input.payloadText}}`,
  );
}
