import { exampleOf } from '@github-webhooks/fixtures';
import { measurePrivacy } from '../src/privacy';

describe('measurePrivacy', () => {
  const push = exampleOf('push', (e) => (e.payload.repository as { private: boolean }).private === false);

  it('times the parse and the whole check of a public delivery, a figure a round, the warm-up left out', () => {
    const measured = measurePrivacy('push', JSON.stringify(push.payload), { rounds: 3, milliseconds: 5 });
    for (const figures of [measured.parse, measured.classify]) {
      expect(figures).toHaveLength(3);
      for (const micros of figures) expect(micros).toBeGreaterThan(0);
    }
  });

  it('refuses a delivery whose verdict is private: the walk would never run', () => {
    const text = JSON.stringify({
      ...push.payload,
      repository: { ...(push.payload.repository as object), private: true },
    });
    expect(() => measurePrivacy('push', text, { rounds: 1, milliseconds: 1 })).toThrow(
      /not public \(private_repository\)/,
    );
  });
});
