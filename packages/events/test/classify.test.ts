import { allExamples, exampleOf } from '@github-webhooks/fixtures';
import {
  classify,
  createPrivacyPolicy,
  DEFAULT_PUBLIC_EVENTS,
  NEVER_PUBLIC_EVENTS,
  PolicyConfigError,
  parsePublicEvents,
  repositoryFullName,
} from '../src';

const policy = createPrivacyPolicy();
const publicRepo = { full_name: 'mozilla/gecko-dev', private: false, visibility: 'public' };
/** A real example of the event with these fields replaced: the shape check needs a real payload. */
const shaped = (event: string, fields: Record<string, unknown>) => ({
  ...exampleOf(event).payload,
  ...fields,
});

describe('classify', () => {
  it.each([
    ['push', shaped('push', { repository: publicRepo }), true, 'allowlisted'],
    [
      'push',
      shaped('push', { repository: { full_name: 'mozilla/gecko-dev', private: false } }),
      true,
      'allowlisted',
    ],
    [
      'push',
      { repository: { ...publicRepo, private: true, visibility: 'private' } },
      false,
      'private_repository',
    ],
    ['push', { repository: { ...publicRepo, private: true } }, false, 'private_repository'],
    ['push', { repository: { ...publicRepo, visibility: 'internal' } }, false, 'non_public_visibility'],
    ['push', { repository: { ...publicRepo, visibility: 'private' } }, false, 'non_public_visibility'],
    ['push', { repository: { full_name: 'mozilla/gecko-dev' } }, false, 'private_repository'],
    ['push', { repository: { ...publicRepo, private: 'false' } }, false, 'private_repository'],
    ['push', { repository: { ...publicRepo, full_name: 'no-slash' } }, false, 'unroutable_repository'],
    ['push', { repository: { ...publicRepo, full_name: 42 } }, false, 'unroutable_repository'],
    ['push', {}, false, 'no_repository'],
    ['push', { repository: null }, false, 'no_repository'],
    ['push', { repository: [publicRepo] }, false, 'no_repository'],
    ['issues', shaped('issues', { action: 'opened', repository: publicRepo }), true, 'allowlisted'],
    ['push', { repository: publicRepo }, false, 'shape_mismatch', 'after'],
    ['push', shaped('member', { repository: publicRepo }), false, 'shape_mismatch', 'after'],
    [
      'issues',
      shaped('issues', { action: 'frobbed', repository: publicRepo }),
      false,
      'unknown_action',
      'frobbed',
    ],
    [
      'issues',
      shaped('issues', {
        action: 'transferred',
        repository: publicRepo,
        changes: { new_repository: { ...publicRepo, private: true } },
      }),
      false,
      'private_repository_referenced',
      'changes.new_repository',
    ],
    [
      'pull_request',
      shaped('pull_request', {
        repository: publicRepo,
        pull_request: {
          ...(exampleOf('pull_request').payload.pull_request as object),
          head: { repo: { ...publicRepo, visibility: 'internal' } },
        },
      }),
      false,
      'private_repository_referenced',
      'pull_request.head.repo',
    ],
    [
      'pull_request',
      shaped('pull_request', {
        repository: publicRepo,
        pull_request: {
          ...(exampleOf('pull_request').payload.pull_request as object),
          requested_reviewers: [{ login: 'a' }, { visibility: 'public' }],
        },
      }),
      false,
      'private_repository_referenced',
      'pull_request.requested_reviewers[]',
    ],
    ['check_run', { repository: publicRepo }, false, 'not_allowlisted'],
    ['brand_new_event', { repository: publicRepo }, false, 'not_allowlisted'],
    ['membership', { repository: publicRepo }, false, 'never_public_event'],
    ['team_add', { repository: publicRepo }, false, 'never_public_event'],
    ['member', { repository: publicRepo }, false, 'never_public_event'],
    ['public', { repository: publicRepo }, false, 'never_public_event'],
    ['repository', { repository: publicRepo }, false, 'never_public_event'],
    ['secret_scanning_alert', { repository: publicRepo }, false, 'never_public_event'],
  ])('%s %j → public=%s (%s)', (event, payload, isPublic, reason, ...[detail]: [string?]) => {
    expect(classify(event, payload, policy)).toEqual(
      detail === undefined ? { public: isPublic, reason } : { public: isPublic, reason, detail },
    );
  });

  it('makes configured extra events public', () => {
    const extended = parsePublicEvents('push, check_run,workflow_run');
    expect(classify('check_run', shaped('check_run', { repository: publicRepo }), extended).public).toBe(
      true,
    );
    expect(classify('issues', shaped('issues', { repository: publicRepo }), extended).public).toBe(false);
  });

  describe('on every real example', () => {
    const examples = allExamples();
    const results = examples.map((e) => ({ example: e, verdict: classify(e.event, e.payload, policy) }));

    it('keeps never-public events, private repositories and repository-less events private', () => {
      for (const { example, verdict } of results) {
        const repo = example.payload.repository as { private?: unknown; visibility?: unknown } | undefined;
        if (NEVER_PUBLIC_EVENTS.has(example.event) || !repo || repo.private !== false) {
          expect([example.name, verdict.public]).toEqual([example.name, false]);
        }
        if (repo?.visibility !== undefined && repo.visibility !== 'public') {
          expect([example.name, verdict.public]).toEqual([example.name, false]);
        }
      }
    });

    // Real examples of allowlisted events of public repositories that name a private one deeper down.
    const namingPrivate: Readonly<Record<string, string>> = {
      // An issue opened by a transfer from a private repository: its `changes.old_repository` is private.
      'api.github.com/issues/18': 'changes.old_repository',
    };

    it('makes public exactly the allowlisted events of public repositories that name no private one', () => {
      for (const { example, verdict } of results) {
        const repo = example.payload.repository as { private?: unknown; visibility?: unknown } | undefined;
        const expected =
          DEFAULT_PUBLIC_EVENTS.includes(example.event) &&
          repo?.private === false &&
          (repo.visibility === undefined || repo.visibility === 'public') &&
          namingPrivate[example.name] === undefined;
        expect([example.name, verdict.public]).toEqual([example.name, expected]);
      }
    });

    it.each(Object.entries(namingPrivate))('keeps %s private for its %s', (name, field) => {
      const found = results.find((r) => r.example.name === name);
      expect(found?.verdict).toEqual({
        public: false,
        reason: 'private_repository_referenced',
        detail: field,
      });
    });

    it('finds both public and private deliveries among them', () => {
      const publicCount = results.filter((r) => r.verdict.public).length;
      expect(publicCount).toBeGreaterThan(50);
      expect(results.length - publicCount).toBeGreaterThan(50);
      // issues/21 is an allowlisted event from a private repository.
      const privateIssue = results.find((r) => r.example.name === 'api.github.com/issues/21');
      expect(privateIssue?.example.payload.repository).toMatchObject({ private: true });
      expect(privateIssue?.verdict).toEqual({ public: false, reason: 'private_repository' });
    });
  });
});

describe('createPrivacyPolicy / parsePublicEvents', () => {
  it('defaults to the original allowlist', () => {
    expect([...parsePublicEvents(undefined).publicEvents]).toEqual([...DEFAULT_PUBLIC_EVENTS]);
    expect([...parsePublicEvents(' , ').publicEvents]).toEqual([...DEFAULT_PUBLIC_EVENTS]);
    expect(DEFAULT_PUBLIC_EVENTS).toHaveLength(17);
  });

  it.each([['member'], ['push,repository'], ['Push'], ['push;watch'], ['content_reference']])(
    'refuses %j',
    (list) => {
      expect(() => parsePublicEvents(list)).toThrow(PolicyConfigError);
    },
  );
});

describe('repositoryFullName', () => {
  it.each([
    [{ repository: publicRepo }, 'mozilla/gecko-dev'],
    [{ repository: { full_name: 'a/b/c' } }, undefined],
    [{}, undefined],
    [{ repository: 'mozilla/gecko-dev' }, undefined],
  ])('%j → %s', (payload, expected) => {
    expect(repositoryFullName(payload)).toBe(expected);
  });
});

describe('restricted content', () => {
  const publicOf = (event: string) =>
    exampleOf(event, (e) => classify(e.event, e.payload, policy).public).payload as Record<string, unknown>;
  const release = publicOf('release');
  const review = publicOf('pull_request_review');
  const pullRequest = publicOf('pull_request');
  const pr = pullRequest.pull_request as Record<string, unknown>;
  const secretTeam = { id: 1, name: 'embargo', slug: 'embargo', privacy: 'secret' };

  const { privacy: _none, ...teamWithoutPrivacy } = secretTeam;

  it.each<[string, string, Record<string, unknown>, string]>([
    [
      'a draft release',
      'release',
      { ...release, release: { ...(release.release as object), draft: true } },
      'draft_release',
    ],
    [
      'a release that does not say',
      'release',
      { ...release, release: { ...(release.release as object), draft: undefined } },
      'draft_release',
    ],
    [
      'a pending review',
      'pull_request_review',
      { ...review, review: { ...(review.review as object), state: 'pending' } },
      'pending_review',
    ],
    [
      'a PENDING review',
      'pull_request_review',
      { ...review, review: { ...(review.review as object), state: 'PENDING' } },
      'pending_review',
    ],
    [
      'a secret team requested',
      'pull_request',
      { ...pullRequest, action: 'review_requested', requested_team: secretTeam },
      'secret_team',
    ],
    [
      'a requested team that does not say its privacy',
      'pull_request',
      { ...pullRequest, action: 'review_requested', requested_team: teamWithoutPrivacy },
      'secret_team',
    ],
    [
      'a team among the requested that does not say its privacy',
      'pull_request',
      { ...pullRequest, pull_request: { ...pr, requested_teams: [teamWithoutPrivacy] } },
      'secret_team',
    ],
    [
      'a secret team among the requested',
      'pull_request',
      { ...pullRequest, pull_request: { ...pr, requested_teams: [secretTeam] } },
      'secret_team',
    ],
    [
      'requested teams that are not a list',
      'pull_request',
      { ...pullRequest, pull_request: { ...pr, requested_teams: 'x' } },
      'secret_team',
    ],
    [
      'a review without a state',
      'pull_request_review',
      { ...review, review: { ...(review.review as object), state: undefined } },
      'pending_review',
    ],
    [
      'a review of a pull request with a secret team',
      'pull_request_review',
      { ...review, pull_request: { ...(review.pull_request as object), requested_teams: [secretTeam] } },
      'secret_team',
    ],
  ])('keeps %s private (%s)', (_what, event, payload, detail) => {
    expect(classify(event, payload, policy)).toEqual({ public: false, reason: 'restricted_content', detail });
  });

  it.each<[string, Record<string, unknown>]>([
    ['release', release],
    ['pull_request', { ...pullRequest, pull_request: { ...pr, requested_teams: null } }],
    ['pull_request_review', review],
    [
      'pull_request',
      { ...pullRequest, pull_request: { ...pr, requested_teams: [{ ...secretTeam, privacy: 'closed' }] } },
    ],
  ])('leaves the public %s public', (event, payload) => {
    expect(classify(event, payload, policy).public).toBe(true);
  });
});
