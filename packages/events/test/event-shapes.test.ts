import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allExamples } from '@github-webhooks/fixtures';
import { deriveEventShapes } from '../scripts/derive-event-shapes';
import { createPrivacyPolicy, DEFAULT_PUBLIC_EVENTS, hasKnownShape, matchesEventShape } from '../src';

const committed = join(__dirname, '..', 'src', 'privacy', 'event-shapes.json');
const schema = JSON.parse(readFileSync(require.resolve('@octokit/webhooks-schemas/schema.json'), 'utf8'));

describe('event shapes', () => {
  it('are the ones GitHub’s published schemas give (UPDATE_EVENT_SHAPES=1 rewrites the file)', () => {
    const derived = deriveEventShapes(schema);
    if (process.env.UPDATE_EVENT_SHAPES === '1') writeFileSync(committed, `${JSON.stringify(derived, null, 1)}\n`);
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
