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

/** Events about people, teams and access: private whatever the allowlist says. */
export const NEVER_PUBLIC_EVENTS: ReadonlySet<string> = new Set([
  'membership',
  'team_add',
  'member',
  'public',
  'repository',
]);
