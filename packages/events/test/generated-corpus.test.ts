import {
  payloadsFromSchema,
  visibilityPaths,
  type WebhookOperation,
  webhookOperations,
  withHiddenAt,
} from '@github-webhooks/fixtures';
import {
  ALLOWLISTABLE_EVENTS,
  type Classification,
  classify,
  createPrivacyPolicy,
  DEFAULT_PUBLIC_EVENTS,
} from '../src';

/**
 * The classifier on GitHub's current event model: for every (event, action) operation of the
 * webhook description (github.com and the newest GHES) whose event can be allowlisted, a payload
 * built from its schema with every repository in it public, and one variant per repository in it
 * made private.
 */
describe('classify on payloads built from GitHub’s webhook description', () => {
  const everyAllowlistable = createPrivacyPolicy(ALLOWLISTABLE_EVENTS);
  const operations = webhookOperations().filter((op) => ALLOWLISTABLE_EVENTS.has(op.event));
  const label = (op: WebhookOperation) => `${op.description} ${op.key}`;
  const verdicts = operations.flatMap((op) =>
    payloadsFromSchema(op).map((payload) => ({
      op,
      payload,
      verdict: classify(op.event, payload, everyAllowlistable),
    })),
  );

  it('covers every operation of the default allowlist, in both descriptions', () => {
    const defaults = verdicts.filter((v) => DEFAULT_PUBLIC_EVENTS.includes(v.op.event));
    expect(new Set(defaults.map((v) => v.op.event))).toEqual(new Set(DEFAULT_PUBLIC_EVENTS));
    expect(new Set(verdicts.map((v) => v.op.description)).size).toBe(2);
    expect(defaults.length).toBeGreaterThan(100);
  });

  it('judges each public, or private for content GitHub restricts (a draft, a pending review)', () => {
    const unexpected = verdicts
      .filter(({ op, verdict }) => !acceptable(op.event, verdict))
      .map(({ op, verdict }) => `${label(op)}: ${verdict.reason} ${verdict.detail ?? ''}`);
    expect(unexpected).toEqual([]);
  });

  it('judges every variant with one of its repositories made private, or a team secret, private', () => {
    let variants = 0;
    const leaked: string[] = [];
    const paths = new Set<string>();
    for (const { op, payload } of verdicts) {
      for (const path of visibilityPaths(payload)) {
        variants++;
        paths.add(path.map((key) => (/^\d+$/.test(key) ? '[]' : key)).join('.'));
        const verdict = classify(op.event, withHiddenAt(payload, path), everyAllowlistable);
        if (verdict.public) leaked.push(`${label(op)} ${path.join('.')}`);
      }
    }
    expect(leaked).toEqual([]);
    expect(variants).toBeGreaterThan(operations.length);
    // The places the docs' field table names are among those tried.
    for (const place of [
      'changes.new_repository',
      'changes.old_repository',
      'forkee',
      'pull_request.head.repo',
      'repository.template_repository',
      'workflow_run.head_repository',
      'requested_team',
      'pull_request.requested_teams.[]',
      'pull_request.requested_reviewers.[]',
    ])
      expect(paths).toContain(place);
  });

  it('makes public every operation of the default allowlist but restricted content', () => {
    const publicDefaults = verdicts.filter(
      (v) => DEFAULT_PUBLIC_EVENTS.includes(v.op.event) && v.verdict.public,
    );
    // The rest are private for a requested team that does not say its privacy (the least a payload holds).
    expect(publicDefaults.length).toBeGreaterThan(64);
  });
});

/** Events whose payloads have no repository of their own (a project, a package of an organization) stay private. */
function acceptable(event: string, verdict: Classification): boolean {
  if (verdict.public || verdict.reason === 'restricted_content') return true;
  return !DEFAULT_PUBLIC_EVENTS.includes(event) && verdict.reason === 'no_repository';
}
