import type { WebhookPayload } from '../delivery/types';
import { NEVER_PUBLIC_EVENTS } from './default-allowlist';
import { eventShapeMisfit } from './event-shape';
import { FULL_NAME } from './full-name';
import { findHiddenObject } from './hidden-object';
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
  /** An action of the event that GitHub's webhook description (the event model) does not know. */
  | 'unknown_action'
  /** Another repository named anywhere in the payload is not public (findHiddenObject). */
  | 'private_repository_referenced'
  /** Content GitHub shows only to some people (a draft release, a pending review, a secret team). */
  | 'restricted_content'
  /** Re-checked from a record's fields: the record itself says private (recheckRecorded). */
  | 'recorded_private';

export interface Classification {
  readonly public: boolean;
  readonly reason: PrivacyReason;
  /**
   * For a verdict that may be drift (DRIFT_REASONS) or restricted content: the field that decided
   * (`changes.new_repository`), the unknown action, the missing property, the restricted content.
   */
  readonly detail?: string;
}

/**
 * Verdicts that turn an allowlisted event of a public repository private because of what is deeper
 * in its payload: a new action or a renamed field (GitHub's events moved on), or another repository
 * that is not public. Counted, logged with event, action and field, and alarmed, so consumers do
 * not silently stop seeing those events.
 */
export const DRIFT_REASONS: ReadonlySet<PrivacyReason> = new Set([
  'shape_mismatch',
  'unknown_action',
  'private_repository_referenced',
]);

/**
 * Public or private, and why. When in doubt, private: the repository must say `private: false`,
 * its `visibility` (when present) must be `public`, the event must be allowlisted, the payload must
 * have the shape of that event (the event name comes from an unsigned header), every other
 * repository it names anywhere must be public too, and it must hold nothing GitHub shows only to
 * some people.
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
  const misfit = eventShapeMisfit(event, payload);
  if (misfit !== undefined) return verdict(false, misfit.reason, misfit.detail);
  const hidden = findHiddenObject(payload);
  if (hidden?.kind === 'repository') return verdict(false, 'private_repository_referenced', hidden.path);
  if (hidden?.kind === 'team') return verdict(false, 'restricted_content', 'secret_team');
  const restricted = restrictedContent(event, payload);
  if (restricted !== undefined) return verdict(false, 'restricted_content', restricted);
  return verdict(true, 'allowlisted');
}

function verdict(isPublic: boolean, reason: PrivacyReason, detail?: string): Classification {
  return detail === undefined ? { public: isPublic, reason } : { public: isPublic, reason, detail };
}

/** `owner/name` of the delivery's repository, or undefined when it has none. */
export function repositoryFullName(payload: WebhookPayload): string | undefined {
  const repository = payload.repository as { full_name?: unknown } | null | undefined;
  const name = repository?.full_name;
  return typeof name === 'string' && FULL_NAME.test(name) ? name : undefined;
}
