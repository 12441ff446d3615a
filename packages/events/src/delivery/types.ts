import type { RawHeaders } from './headers';

/** An HTTP request as any entry point sees it; `body` may be base64, as API Gateway delivers it. */
export interface HttpRequest {
  readonly headers: RawHeaders;
  readonly body: string | Uint8Array | undefined;
  readonly isBase64Encoded?: boolean;
}

export type ContentType = 'application/json' | 'application/x-www-form-urlencoded';

export interface Signatures {
  readonly sha256?: string;
  readonly sha1?: string;
}

export interface InstallationTarget {
  readonly type: string;
  readonly id: string;
}

/** What the headers and raw body say, before the signature is checked. */
export interface DeliveryRequest {
  /** `X-GitHub-Delivery`: stays the same across redeliveries. */
  readonly id: string;
  /** `X-GitHub-Event`. */
  readonly event: string;
  readonly hookId?: string;
  readonly target?: InstallationTarget;
  readonly contentType: ContentType;
  readonly signatures: Signatures;
  /** The body exactly as received: the bytes the signature covers. */
  readonly rawBody: Buffer;
}

export type WebhookPayload = Readonly<Record<string, unknown>>;

/** A delivery whose payload has been parsed. */
export interface Delivery extends DeliveryRequest {
  readonly payload: WebhookPayload;
  /**
   * The payload's JSON text on one line (JSON's own whitespace newlines replaced by spaces), so it
   * can be spliced into NDJSON records and Pulse messages without re-serializing.
   */
  readonly payloadText: string;
  /**
   * The body's bytes when they are exactly the UTF-8 of `payloadText` (a JSON body already on one
   * line, nothing trimmed), so a record can be written from them without encoding the text again.
   */
  readonly payloadBytes?: Buffer;
  /** The SHA-256 (hex) of `payloadBytes`, when it was computed already (off the event loop, for a large body). */
  readonly payloadSha256?: string;
}
