import { MalformedPayloadError } from './errors';
import type { Delivery, DeliveryRequest, WebhookPayload } from './types';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Parses the body of a request whose signature has been verified (400 when it is not a JSON object). */
export function parsePayload(request: DeliveryRequest): Delivery {
  const { text, whole } = payloadJsonText(request);
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (cause) {
    throw new MalformedPayloadError('payload is not valid JSON', { cause });
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    throw new MalformedPayloadError('payload is not a JSON object');
  }
  const payloadText = singleLine(text);
  const parsed = payload as WebhookPayload;
  // The bytes stand for the text only when nothing was trimmed or replaced on the way.
  return whole && payloadText === text
    ? { ...request, payload: parsed, payloadText, payloadBytes: request.rawBody }
    : { ...request, payload: parsed, payloadText };
}

/** The payload's JSON text; `whole` when it is the entire body, untrimmed. */
function payloadJsonText(request: DeliveryRequest): { text: string; whole: boolean } {
  let text: string;
  try {
    text = utf8.decode(request.rawBody);
  } catch (cause) {
    throw new MalformedPayloadError('body is not valid UTF-8', { cause });
  }
  if (request.contentType === 'application/json') {
    const trimmed = text.trim();
    return { text: trimmed, whole: trimmed.length === text.length };
  }
  const payload = new URLSearchParams(text).get('payload');
  if (payload === null) throw new MalformedPayloadError('form body has no payload field');
  return { text: payload.trim(), whole: false };
}

/**
 * In valid JSON a raw CR or LF can only be whitespace between tokens (inside strings they must be
 * escaped), so replacing them with spaces keeps the value and makes the text one NDJSON line.
 */
export function singleLine(json: string): string {
  return json.includes('\n') || json.includes('\r') ? json.replace(/[\r\n]/g, ' ') : json;
}
