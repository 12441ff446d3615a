import { resolvePayloadRef } from '@github-webhooks/archive';
import type { PayloadRef, WebhookPayload } from '@github-webhooks/events';
import type { PulsePayload } from '@github-webhooks/pulse';
import { BadMessageError, PayloadUnavailableError } from './errors';
import type { MessagePayload } from './parse-message';
import type { PayloadSource } from './ports';

/**
 * The payload of a message, fetched from the archive bucket when it was stored by reference and
 * checked against the reference's size and digest. A missing or corrupt object is a bad message;
 * one that cannot be read now is unavailable (retried).
 */
export async function messagePayload(payload: MessagePayload, source: PayloadSource): Promise<PulsePayload> {
  if (payload.kind === 'inline') return { payload: payload.payload, text: payload.text };
  const { ref } = payload;
  const text = await payloadRefText(ref, source);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new BadMessageError(`payload object ${ref.key} is not JSON`, { cause });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new BadMessageError(`payload object ${ref.key} is not a JSON object`);
  }
  return { payload: value as WebhookPayload, text };
}

/** The text of a payload stored by reference, read once and checked against its size and digest. */
export async function payloadRefText(ref: PayloadRef, source: PayloadSource): Promise<string> {
  let resolved: Awaited<ReturnType<typeof resolvePayloadRef>>;
  try {
    resolved = await resolvePayloadRef(source, ref);
  } catch (cause) {
    throw new PayloadUnavailableError(`cannot read payload object ${ref.key}`, { cause });
  }
  if (resolved.kind !== 'ok') throw new BadMessageError(`payload object is unusable: ${resolved.reason}`);
  return resolved.text;
}
