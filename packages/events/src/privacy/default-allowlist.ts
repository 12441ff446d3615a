import VERDICTS from './event-verdicts.json';

/** The original system's allowlist: only these events can ever be republished. */
export const DEFAULT_PUBLIC_EVENTS: readonly string[] = Object.freeze([
  'commit_comment',
  'create',
  'delete',
  'deployment',
  'deployment_status',
  'fork',
  'gollum',
  'issue_comment',
  'issues',
  'page_build',
  'pull_request',
  'pull_request_review',
  'pull_request_review_comment',
  'push',
  'release',
  'status',
  'watch',
]);

/** Why an event is never public (event-verdicts.json states the rule). */
export type NeverPublicCategory =
  | 'security'
  | 'credentials'
  | 'access'
  | 'installation'
  | 'billing'
  | 'people'
  | 'administration';

/**
 * Every event of GitHub's webhook description judged by one written rule (event-verdicts.json,
 * which the stacks' packaging check reads too): never public, with the category that makes it so,
 * or allowlistable by the operator. A test fails on an event of the description missing here.
 */
export const NEVER_PUBLIC_CATEGORY: Readonly<Record<string, NeverPublicCategory>> = Object.freeze(
  VERDICTS.never_public as Record<string, NeverPublicCategory>,
);

/** Events about security, credentials, access, installations, billing, people or administration: private whatever the allowlist says. */
export const NEVER_PUBLIC_EVENTS: ReadonlySet<string> = new Set(Object.keys(NEVER_PUBLIC_CATEGORY));

/** The events an operator may add to the allowlist (their deliveries still pass every payload check). */
export const ALLOWLISTABLE_EVENTS: ReadonlySet<string> = new Set(VERDICTS.allowlistable);

/** The rule that decides which events are never public, as the docs state it. */
export const NEVER_PUBLIC_RULE: string = VERDICTS.rule;
