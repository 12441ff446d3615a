import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allExamples, webhookOperations } from '@github-webhooks/fixtures';
import { deriveEventModel } from '../scripts/derive-event-model';
import {
  ALLOWLISTABLE_EVENTS,
  createPrivacyPolicy,
  DEFAULT_PUBLIC_EVENTS,
  hasKnownShape,
  matchesEventShape,
  NEVER_PUBLIC_EVENTS,
} from '../src';

const committed = join(__dirname, '..', 'src', 'privacy', 'event-shapes.json');

describe('event shapes', () => {
  it('are the ones GitHub’s webhook description and the real examples give (UPDATE_EVENT_SHAPES=1 rewrites the file)', () => {
    const derived = deriveEventModel(webhookOperations(), allExamples());
    if (process.env.UPDATE_EVENT_SHAPES === '1')
      writeFileSync(committed, `${JSON.stringify(derived, null, 1)}\n`);
    expect(JSON.parse(readFileSync(committed, 'utf8'))).toEqual(derived);
  });

  const examples = allExamples();

  it('fit every genuine example of every event that has one', () => {
    const misfits = examples.filter((e) => hasKnownShape(e.event) && !matchesEventShape(e.event, e.payload));
    expect(misfits.map((e) => e.name)).toEqual([]);
    expect(examples.filter((e) => hasKnownShape(e.event)).length).toBeGreaterThan(650);
  });

  it('refuse every example relabelled as another allowlisted event', () => {
    const allowlisted = [...createPrivacyPolicy().publicEvents];
    let tried = 0;
    const slipped: string[] = [];
    for (const example of examples) {
      for (const claimed of allowlisted) {
        if (claimed === example.event) continue;
        tried++;
        if (matchesEventShape(claimed, example.payload)) slipped.push(`${example.name} as ${claimed}`);
      }
    }
    expect(slipped).toEqual([]);
    expect(tried).toBeGreaterThan(10_000);
  });

  it('give every event of the description a verdict under the never-public rule, and no other event', () => {
    const judged = [...NEVER_PUBLIC_EVENTS, ...ALLOWLISTABLE_EVENTS].sort();
    const described = [...new Set(webhookOperations().map((op) => op.event))].sort();
    expect(judged).toEqual(described);
    expect([...NEVER_PUBLIC_EVENTS].filter((e) => ALLOWLISTABLE_EVENTS.has(e))).toEqual([]);
    expect(DEFAULT_PUBLIC_EVENTS.filter((e) => !ALLOWLISTABLE_EVENTS.has(e))).toEqual([]);
  });

  it('know every event of the default allowlist', () => {
    expect(DEFAULT_PUBLIC_EVENTS.filter((e) => !hasKnownShape(e))).toEqual([]);
  });

  it.each([
    ['watch without an action', 'watch', {}],
    ['an action the event does not have', 'release', { action: 'added', release: {} }],
    ['a property of the wrong type', 'push', { ref: 1 }],
  ])('refuse %s', (_name, event, payload) => {
    expect(matchesEventShape(event, payload)).toBe(false);
  });
});

describe('matchesEventShape, on the JSON types', () => {
  const push = exampleOfPush();
  it.each<[string, Record<string, unknown>, boolean]>([
    ['an integer where a number may be', { ...push, created: true }, true],
    ['null where a string must be', { ...push, ref: null }, false],
    ['an array where an object must be', { ...push, pusher: [] }, false],
    ['a string where an array must be', { ...push, commits: 'none' }, false],
  ])('%s: %s', (_name, payload, fits) => {
    expect(matchesEventShape('push', payload)).toBe(fits);
  });

  it('takes a fraction for an integer field nowhere, and an integer for a number field everywhere', () => {
    const status = allExamples().find((e) => e.event === 'status')?.payload as Record<string, unknown>;
    expect(matchesEventShape('status', status)).toBe(true);
    expect(matchesEventShape('status', { ...status, id: 1.5 })).toBe(false);
  });

  it('refuses an event it does not know', () => {
    expect(matchesEventShape('no_such_event', {})).toBe(false);
  });
});

function exampleOfPush(): Record<string, unknown> {
  return allExamples().find((e) => e.event === 'push')?.payload as Record<string, unknown>;
}
