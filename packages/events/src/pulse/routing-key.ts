import type { WebhookPayload } from '../delivery/types';
import { repositoryFullName } from '../privacy/classify';

export class UnroutableDeliveryError extends Error {
  override readonly name = 'UnroutableDeliveryError';
}

/** `<owner>/<repo>/<event>` on exchange/github-webhooks/v1, as the original system routed. */
export function routingKeyV1(event: string, payload: WebhookPayload): string {
  return routingKeyV1For(event, requireFullName(payload));
}

/** routingKeyV1 from a repository's `owner/name`, as a record's `repository` field holds it. */
export function routingKeyV1For(event: string, fullName: string): string {
  return `${fullName}/${event}`;
}

/**
 * `<owner>.<repo>.<event>[.<action>]` on the v2 exchange: AMQP topic patterns split on `.` only,
 * so `.` inside a name is written `%` (GitHub names never contain `%`), making `mozilla.#` work.
 */
export function routingKeyV2(event: string, payload: WebhookPayload): string {
  const action = typeof payload.action === 'string' ? payload.action : undefined;
  return routingKeyV2For(event, requireFullName(payload), action);
}

/** routingKeyV2 from a repository's `owner/name` and the action, as a record's fields hold them. */
export function routingKeyV2For(event: string, fullName: string, action: string | null | undefined): string {
  const [owner = '', repo = ''] = fullName.split('/');
  const suffix = typeof action === 'string' && action !== '' ? `.${escapeWord(action)}` : '';
  return `${escapeWord(owner)}.${escapeWord(repo)}.${event}${suffix}`;
}

export const escapeWord = (word: string): string => word.replaceAll('.', '%');

function requireFullName(payload: WebhookPayload): string {
  const name = repositoryFullName(payload);
  if (name === undefined)
    throw new UnroutableDeliveryError('payload has no repository.full_name to route by');
  return name;
}
