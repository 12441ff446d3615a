import type { WebhookPayload } from '../delivery/types';
import { repositoryFullName } from '../privacy/classify';

export class UnroutableDeliveryError extends Error {
  override readonly name = 'UnroutableDeliveryError';
}

/** `<owner>/<repo>/<event>` on exchange/github-webhooks/v1, as the original system routed. */
export function routingKeyV1(event: string, payload: WebhookPayload): string {
  return `${requireFullName(payload)}/${event}`;
}

/**
 * `<owner>.<repo>.<event>[.<action>]` on the v2 exchange: AMQP topic patterns split on `.` only,
 * so `.` inside a name is written `%` (GitHub names never contain `%`), making `mozilla.#` work.
 */
export function routingKeyV2(event: string, payload: WebhookPayload): string {
  const [owner = '', repo = ''] = requireFullName(payload).split('/');
  const action =
    typeof payload.action === 'string' && payload.action !== '' ? `.${escapeWord(payload.action)}` : '';
  return `${escapeWord(owner)}.${escapeWord(repo)}.${event}${action}`;
}

export const escapeWord = (word: string): string => word.replaceAll('.', '%');

function requireFullName(payload: WebhookPayload): string {
  const name = repositoryFullName(payload);
  if (name === undefined)
    throw new UnroutableDeliveryError('payload has no repository.full_name to route by');
  return name;
}
