import { openPayloadObject, type WebhookPayload } from '@github-webhooks/events';
import { BadMessageError, type MessagePayload } from './parse-message';
import type { PayloadSource } from './ports';

/** The payload object could not be read now (throttling, network): a retry may succeed. */
export class PayloadUnavailableError extends Error {
  override readonly name = 'PayloadUnavailableError';
}

export interface ResolvedPayload {
  readonly payload: WebhookPayload;
  /** The payload's JSON text, spliced unchanged into the Pulse message. */
  readonly text: string;
}

/**
 * The payload of a message, fetched from the archive bucket when it was stored by reference and
 * checked against the reference's size and digest. A missing or corrupt object is a bad message.
 */
export async function resolvePayload(
  payload: MessagePayload,
  source: PayloadSource,
): Promise<ResolvedPayload> {
  if (payload.kind === 'inline') return { payload: payload.payload, text: payload.text };
  const { ref } = payload;
  let bytes: Buffer;
  try {
    bytes = await source.readAll(ref.key);
  } catch (cause) {
    if (errorName(cause) === 'NoSuchKeyError') {
      throw new BadMessageError(`payload object ${ref.key} does not exist`, { cause });
    }
    throw new PayloadUnavailableError(`cannot read payload object ${ref.key}`, { cause });
  }
  let text: string;
  try {
    text = openPayloadObject(ref, bytes);
  } catch (cause) {
    throw new BadMessageError(`payload object is unusable: ${String(errorMessage(cause))}`, { cause });
  }
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

const errorName = (error: unknown): unknown => (error as { name?: unknown } | null)?.name;
const errorMessage = (error: unknown): unknown => (error as { message?: unknown } | null)?.message;
