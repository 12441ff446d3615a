import { InvalidHeaderError, PayloadTooLargeError, UnsupportedMediaTypeError } from './errors';
import { HEADER_PATTERNS, normalizeHeaders, optionalHeader, type RawHeaders, requireHeader } from './headers';
import type { ContentType, DeliveryRequest, HttpRequest, InstallationTarget, Signatures } from './types';

/** GitHub caps webhook payloads at 25 MiB. */
export const GITHUB_MAX_PAYLOAD_BYTES = 25 * 1024 * 1024;

export interface ReadRequestOptions {
  /** Reject bodies larger than this (413). Default: GitHub's own 25 MiB cap. */
  readonly maxBytes?: number;
  /** When false, a delivery without signature headers passes (local use without secrets only). */
  readonly requireSignature?: boolean;
}

const SHA256 = /^sha256=[0-9a-fA-F]{64}$/;
const SHA1 = /^sha1=[0-9a-fA-F]{40}$/;

/** What the headers say: everything of a DeliveryRequest but the body. */
export type DeliveryHeaders = Omit<DeliveryRequest, 'rawBody'>;

/**
 * The checks that need no body, in GitHub-facing order: content type (415), required headers (400).
 * A server runs them before reading a body, so a request that would be refused costs no upload.
 */
export function readDeliveryHeaders(headers: RawHeaders, options: ReadRequestOptions = {}): DeliveryHeaders {
  const normalized = normalizeHeaders(headers);
  const contentType = readContentType(normalized.get('content-type'));
  const id = requireHeader(normalized, 'x-github-delivery', HEADER_PATTERNS.GUID);
  const event = requireHeader(normalized, 'x-github-event', HEADER_PATTERNS.EVENT);
  const hookId = optionalHeader(normalized, 'x-github-hook-id', HEADER_PATTERNS.NUMERIC_ID);
  const target = readTarget(normalized);
  const signatures = readSignatures(normalized, options.requireSignature ?? true);
  return {
    id,
    event,
    contentType,
    signatures,
    ...(hookId === undefined ? {} : { hookId }),
    ...(target === undefined ? {} : { target }),
  };
}

/**
 * Checks the request in GitHub-facing order: content type (415), required headers (400), size (413).
 * The body is not parsed here: the signature must be verified first.
 */
export function readDeliveryRequest(request: HttpRequest, options: ReadRequestOptions = {}): DeliveryRequest {
  const headers = readDeliveryHeaders(request.headers, options);
  return { ...headers, rawBody: decodeBody(request, options.maxBytes ?? GITHUB_MAX_PAYLOAD_BYTES) };
}

function readContentType(value: string | undefined): ContentType {
  const mediaType = value?.split(';', 1)[0]?.trim().toLowerCase();
  if (mediaType === 'application/json' || mediaType === 'application/x-www-form-urlencoded') return mediaType;
  throw new UnsupportedMediaTypeError(
    `unsupported content type ${JSON.stringify(value ?? '')}: expected application/json or application/x-www-form-urlencoded`,
  );
}

function readTarget(headers: Map<string, string>): InstallationTarget | undefined {
  const type = optionalHeader(headers, 'x-github-hook-installation-target-type', HEADER_PATTERNS.TARGET_TYPE);
  const id = optionalHeader(headers, 'x-github-hook-installation-target-id', HEADER_PATTERNS.NUMERIC_ID);
  return type === undefined || id === undefined ? undefined : { type, id };
}

function readSignatures(headers: Map<string, string>, required: boolean): Signatures {
  const sha256 = optionalHeader(headers, 'x-hub-signature-256', SHA256)?.toLowerCase();
  const sha1 = optionalHeader(headers, 'x-hub-signature', SHA1)?.toLowerCase();
  if (required && sha256 === undefined && sha1 === undefined) {
    throw new InvalidHeaderError('x-hub-signature-256', 'missing header x-hub-signature-256');
  }
  return { ...(sha256 === undefined ? {} : { sha256 }), ...(sha1 === undefined ? {} : { sha1 }) };
}

function decodeBody(request: HttpRequest, maxBytes: number): Buffer {
  const { body } = request;
  if (body === undefined) return Buffer.alloc(0);
  if (typeof body !== 'string')
    return checkSize(Buffer.from(body.buffer, body.byteOffset, body.byteLength), maxBytes);
  if (!request.isBase64Encoded) return checkSize(Buffer.from(body, 'utf8'), maxBytes);
  // Refuse before decoding: base64 is 4/3 the size of what it encodes.
  const estimate = Math.floor((body.length * 3) / 4);
  if (estimate > maxBytes + 2) throw new PayloadTooLargeError(estimate, maxBytes);
  return checkSize(Buffer.from(body, 'base64'), maxBytes);
}

function checkSize(body: Buffer, maxBytes: number): Buffer {
  if (body.byteLength > maxBytes) throw new PayloadTooLargeError(body.byteLength, maxBytes);
  return body;
}
