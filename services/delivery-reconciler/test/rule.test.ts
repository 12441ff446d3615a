import { DEFAULT_RULE, decide, isExpiring, spacingMs } from '../src';
import { attempt } from './support/recorded-log';

const now = new Date('2026-12-01T12:00:00Z');
const rule = { ...DEFAULT_RULE, now, retentionMs: 72 * 3_600_000 };

describe('decide', () => {
  it.each([
    ['delivered at once', [attempt('a', 30, 200, now)], 'delivered'],
    [
      'delivered on a redelivery',
      [attempt('a', 90, 503, now), attempt('a', 60, 202, now, true)],
      'delivered',
    ],
    ['failed (503)', [attempt('a', 30, 503, now)], 'redeliver'],
    ['timed out (no status)', [attempt('a', 30, 0, now)], 'redeliver'],
    [
      'redelivered 1 min ago, failed: waits 5 min',
      [attempt('a', 30, 503, now), attempt('a', 1, 503, now, true)],
      'waiting',
    ],
    [
      'redelivered 6 min ago, failed: again',
      [attempt('a', 30, 503, now), attempt('a', 6, 503, now, true)],
      'redeliver',
    ],
    [
      'second redelivery 10 min ago: waits 20 min',
      [attempt('a', 60, 401, now), attempt('a', 40, 401, now, true), attempt('a', 10, 401, now, true)],
      'waiting',
    ],
    [
      'five redeliveries, all 401: gives up',
      [0, 1, 2, 3, 4, 5].map((i) => attempt('a', 600 - i * 100, 401, now, i > 0)),
      'gave_up',
    ],
  ])('%s → %s', (_name, attempts, kind) => {
    expect(decide(attempts, rule).kind).toBe(kind);
  });

  it('redelivers the latest attempt', () => {
    const attempts = [attempt('a', 60, 503, now), attempt('a', 30, 503, now, true)];
    expect(decide(attempts, rule)).toEqual({
      kind: 'redeliver',
      attemptId: attempts[1]?.id,
      reason: 'failed',
    });
  });

  it('redelivers a delivered GUID the archive does not hold, unless the archive is not checked', () => {
    const attempts = [attempt('a', 60, 200, now)];
    expect(decide(attempts, rule, false)).toMatchObject({
      kind: 'redeliver',
      reason: 'missing_from_archive',
    });
    expect(decide(attempts, rule, true).kind).toBe('delivered');
    expect(decide(attempts, rule, undefined).kind).toBe('delivered');
  });

  it('honours the attempt cap', () => {
    const attempts = [attempt('a', 60, 503, now), attempt('a', 30, 503, now, true)];
    expect(decide(attempts, { ...rule, maxRedeliveries: 1 }).kind).toBe('gave_up');
  });
});

describe('spacingMs', () => {
  it('grows fourfold from 5 minutes', () => {
    expect([0, 1, 2, 3, 4].map((n) => spacingMs(n, 5 * 60_000) / 60_000)).toEqual([0, 5, 20, 80, 320]);
  });
});

describe('isExpiring', () => {
  it('is true within 6 h of the first attempt leaving the log', () => {
    expect(isExpiring([attempt('a', 67 * 60, 503, now)], rule)).toBe(true);
    expect(isExpiring([attempt('a', 60 * 60, 503, now)], rule)).toBe(false);
  });
});
