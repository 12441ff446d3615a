/**
 * Errors a delivery can be rejected with. Each carries the HTTP status GitHub should see,
 * so every entry point (Lambda, local server) maps them the same way.
 */
export type DeliveryErrorCode =
  | 'unsupported_media_type'
  | 'invalid_header'
  | 'payload_too_large'
  | 'invalid_signature'
  | 'malformed_payload';

export abstract class DeliveryError extends Error {
  abstract readonly status: number;
  /** A short machine-readable reason, used in logs, metrics and the JSON error body. */
  abstract readonly code: DeliveryErrorCode;
}

export class UnsupportedMediaTypeError extends DeliveryError {
  override readonly name = 'UnsupportedMediaTypeError';
  readonly status = 415;
  readonly code = 'unsupported_media_type';
}

export class InvalidHeaderError extends DeliveryError {
  override readonly name = 'InvalidHeaderError';
  readonly status = 400;
  readonly code = 'invalid_header';
  constructor(
    readonly header: string,
    message: string,
  ) {
    super(message);
  }
}

export class PayloadTooLargeError extends DeliveryError {
  override readonly name = 'PayloadTooLargeError';
  readonly status = 413;
  readonly code = 'payload_too_large';
  constructor(
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(`body of ${bytes} bytes exceeds the limit of ${limit} bytes`);
  }
}

export class SignatureError extends DeliveryError {
  override readonly name = 'SignatureError';
  readonly status = 401;
  readonly code = 'invalid_signature';
}

export class MalformedPayloadError extends DeliveryError {
  override readonly name = 'MalformedPayloadError';
  readonly status = 400;
  readonly code = 'malformed_payload';
}

export const isDeliveryError = (error: unknown): error is DeliveryError => error instanceof DeliveryError;
