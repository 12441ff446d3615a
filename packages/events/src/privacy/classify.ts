import type { WebhookPayload } from '../delivery/types';
import { NEVER_PUBLIC_EVENTS } from './default-allowlist';
import { matchesEventShape } from './event-shape';
import { FULL_NAME } from './full-name';
import type { PrivacyPolicy } from './policy';
import { restrictedContent } from './restricted-content';

export type PrivacyReason =
  | 'allowlisted'
  | 'never_public_event'
  | 'not_allowlisted'
  | 'no_repository'
  | 'private_repository'
  | 'non_public_visibility'
  | 'unroutable_repository'
  /** The payload does not have the shape of the event its (unsigned) header claims. */
  | 'shape_mismatch'
  /** Content GitHub shows only to some people (a draft release, a pending review, a secret team). */
  | 'restricted_content'
  /** Re-checked from a record's fields: the record itself says private (recheckRecorded). */
  | 'recorded_private';

export interface Classification {
  readonly public: boolean;
  readonly reason: PrivacyReason;
}

/**
 * Public or private, and why. When in doubt, private: the repository must say `private: false`,
 * its `visibility` (when present) must be `public`, the event must be allowlisted, the payload must
 * have the shape of that event (the event name comes from an unsigned header), and it must hold
 * nothing GitHub shows only to some people.
 */
export function classify(event: string, payload: WebhookPayload, policy: PrivacyPolicy): Classification {
  if (NEVER_PUBLIC_EVENTS.has(event)) return verdict(false, 'never_public_event');
  const repository = payload.repository;
  if (repository === null || typeof repository !== 'object' || Array.isArray(repository)) {
    return verdict(false, 'no_repository');
  }
  const repo = repository as Readonly<Record<string, unknown>>;
  if (repo.private !== false) return verdict(false, 'private_repository');
  if (repo.visibility !== undefined && repo.visibility !== 'public')
    return verdict(false, 'non_public_visibility');
  if (typeof repo.full_name !== 'string' || !FULL_NAME.test(repo.full_name)) {
    return verdict(false, 'unroutable_repository');
  }
  if (!policy.publicEvents.has(event)) return verdict(false, 'not_allowlisted');
  if (!matchesEventShape(event, payload)) return verdict(false, 'shape_mismatch');
  if (restrictedContent(event, payload) !== undefined) return verdict(false, 'restricted_content');
  return verdict(true, 'allowlisted');
}

function verdict(isPublic: boolean, reason: PrivacyReason): Classification {
  return { public: isPublic, reason };
}

/** `owner/name` of the delivery's repository, or undefined when it has none. */
export function repositoryFullName(payload: WebhookPayload): string | undefined {
  const repository = payload.repository as { full_name?: unknown } | null | undefined;
  const name = repository?.full_name;
  return typeof name === 'string' && FULL_NAME.test(name) ? name : undefined;
}
