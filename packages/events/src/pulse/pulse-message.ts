export interface PulseMessageInput {
  readonly event: string;
  /** The delivery GUID (`X-GitHub-Delivery`). */
  readonly deliveryId: string;
  /** The payload's JSON on one line: its text, or its UTF-8 bytes. */
  readonly payloadText: string | Uint8Array;
}

/**
 * The body consumers of the original system parse: exactly the keys `event`, `request_id`,
 * `payload`. The payload is spliced in as received rather than re-serialized (given as bytes, it
 * is copied once and never decoded).
 */
export function pulseMessageBody(input: PulseMessageInput): Buffer {
  const head = `{"event":${JSON.stringify(input.event)},"request_id":${JSON.stringify(input.deliveryId)},"payload":`;
  if (typeof input.payloadText === 'string') return Buffer.from(`${head}${input.payloadText}}`);
  const headBytes = Buffer.byteLength(head);
  const body = Buffer.allocUnsafe(headBytes + input.payloadText.byteLength + 1);
  body.write(head, 0);
  body.set(input.payloadText, headBytes);
  body[body.length - 1] = 0x7d; // }
  return body;
}
