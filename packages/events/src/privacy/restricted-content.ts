import type { WebhookPayload } from '../delivery/types';
import { isVisibleTeamPrivacy } from './hidden-object';

/**
 * Content GitHub shows only to some people even in a public repository, checked for every event
 * that can be allowlisted (docs/privacy.md lists what was checked and why):
 * - `release` of a draft: drafts are visible only to people with push access (embargoed notes);
 * - `pull_request_review` of a pending review: visible to its author only;
 * - a secret team requested as reviewer (`requested_team`, or in `pull_request.requested_teams`):
 *   secret teams are visible to their organization's members only; a team without `privacy`
 *   counts as secret.
 * When in doubt (a field missing or of an unexpected type), the content counts as restricted.
 */
export function restrictedContent(event: string, payload: WebhookPayload): string | undefined {
  switch (event) {
    case 'release': {
      const release = objectAt(payload, 'release');
      return release?.draft === false ? undefined : 'draft_release';
    }
    case 'pull_request_review': {
      const review = objectAt(payload, 'review');
      const state = review?.state;
      if (typeof state !== 'string' || state.toLowerCase() === 'pending') return 'pending_review';
      return secretTeams(payload);
    }
    case 'pull_request':
    case 'pull_request_review_comment':
      return secretTeams(payload);
    default:
      return undefined;
  }
}

function secretTeams(payload: WebhookPayload): string | undefined {
  const requested = payload.requested_team;
  if (requested !== undefined && !isVisibleTeam(requested)) return 'secret_team';
  const teams = objectAt(payload, 'pull_request')?.requested_teams;
  if (teams === undefined || teams === null) return undefined;
  if (!Array.isArray(teams) || !teams.every(isVisibleTeam)) return 'secret_team';
  return undefined;
}

/**
 * A requested team whose privacy says it is visible; one that says nothing counts as secret
 * (missing means restricted). Secret teams anywhere else are found by findHiddenObject.
 */
const isVisibleTeam = (team: unknown): boolean =>
  isVisibleTeamPrivacy(
    team !== null && typeof team === 'object' ? (team as { privacy?: unknown }).privacy : undefined,
  );

function objectAt(payload: WebhookPayload, key: string): Readonly<Record<string, unknown>> | undefined {
  const value = payload[key];
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Readonly<Record<string, unknown>>)
    : undefined;
}
