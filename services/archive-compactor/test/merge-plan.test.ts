import { HourIndex } from '../src/hour-index';
import { planMerge } from '../src/merge-plan';

/** An index of one or more sources given as received_at seconds in stored order. */
function indexOf(...sources: number[][]): HourIndex {
  const index = new HourIndex();
  sources.forEach((times, source) => {
    times.forEach((time, ordinal) => {
      index.add(`s${source}-${ordinal}`, time * 1000, source, ordinal, 100, false);
    });
  });
  return index;
}

describe('HourIndex', () => {
  it.each([
    [
      'earliest received_at',
      [
        ['x', 5, 0, 0],
        ['x', 3, 1, 0],
      ],
      [1],
    ],
    [
      'first source at equal times',
      [
        ['x', 5, 1, 0],
        ['x', 5, 0, 3],
      ],
      [1],
    ],
    [
      'first position at equal times and source',
      [
        ['x', 5, 0, 4],
        ['x', 5, 0, 2],
      ],
      [1],
    ],
    [
      'the first when nothing is earlier',
      [
        ['x', 5, 0, 0],
        ['x', 5, 0, 1],
        ['x', 6, 1, 0],
      ],
      [0],
    ],
  ])('keeps the first arrival of a delivery id: %s', (_name, adds, kept) => {
    const index = new HourIndex();
    for (const [id, time, source, ordinal] of adds as [string, number, number, number][]) {
      index.add(id, time, source, ordinal, 10, false);
    }
    expect([...index.seal()]).toEqual(kept);
  });

  it('orders kept entries by received_at, then source, then position', () => {
    const index = indexOf([3, 1, 2], [1, 0]);
    expect([...index.seal()].map((e) => [index.source[e], index.ordinal[e]])).toEqual([
      [1, 1],
      [0, 1],
      [1, 0],
      [0, 2],
      [0, 0],
    ]);
  });
});

describe('planMerge', () => {
  it('reads sorted sources straight through, one cursor each, with no stash', () => {
    const index = indexOf([0, 2, 4], [1, 3, 5]);
    const plan = planMerge(index, index.seal(), 2, 1 << 20);
    expect(plan.cursors.map((c) => [c.source, c.deliveries, c.stashes.size])).toEqual([
      [0, 3, 0],
      [1, 3, 0],
    ]);
    expect(plan.stashPeakBytes).toBe(0);
  });

  it('stashes neighbours that arrived swapped, holding only a few lines at a time', () => {
    // Each pair stored swapped: 1 0 3 2 5 4 ...
    const times = Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? i + 1 : i - 1));
    const index = indexOf(times);
    const plan = planMerge(index, index.seal(), 1, 1 << 20);
    expect(plan.cursors).toHaveLength(1);
    expect(plan.cursors[0]?.stashes.size).toBe(50);
    expect(plan.stashPeakBytes).toBe(100);
  });

  it('uses extra cursors instead of the stash when it would exceed its budget', () => {
    const reversed = Array.from({ length: 10 }, (_, i) => 10 - i);
    const index = indexOf(reversed, [0.5, 20]);
    const order = index.seal();
    const unbounded = planMerge(index, order, 2, 1 << 20);
    expect(unbounded.stashPeakBytes).toBe(900);
    const bounded = planMerge(index, order, 2, 250);
    expect(bounded.stashPeakBytes).toBeLessThanOrEqual(250);
    // The reversed source's 9 stragglers form 9 decreasing singletons: one cursor each.
    expect(bounded.cursors.filter((c) => c.source === 0)).toHaveLength(10);
    expect(bounded.cursors.filter((c) => c.source === 1)).toHaveLength(1);
    const delivered = bounded.cursors.reduce((n, c) => n + c.deliveries + c.stashes.size, 0);
    expect(delivered).toBe(order.length);
  });
});
