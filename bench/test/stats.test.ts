import { againstGoal, roundRange, roundRatios, summarize } from '../src/stats';

describe('againstGoal, a ratio as the table shows it beside its goal', () => {
  it.each([
    { ratio: 0.7957, goal: 0.8, shown: 0.796 },
    { ratio: 0.8049, goal: 0.8, shown: 0.8 },
    { ratio: 0.8, goal: 0.8, shown: 0.8 },
    { ratio: 0.6123, goal: 0.9, shown: 0.61 },
    { ratio: 0.8461, goal: 0.85, shown: 0.846 },
    { ratio: 1.234, goal: 0.85, shown: 1.23 },
  ])('$ratio against $goal → $shown', ({ ratio, goal, shown }) => {
    expect(againstGoal(ratio, goal)).toBe(shown);
  });
});

describe('roundRatios, each round’s ratio of two sides measured in it', () => {
  it.each([
    { a: [90, 80, 100], b: [100, 100, 100], range: ' (rounds 0.8–1)', median: 0.9 },
    { a: [79, 89, 95], b: [100, 100, 100], range: ' (rounds 0.79–0.95)', median: 0.89 },
    // Paired by round, not by size: the fastest `a` against the slowest `b`.
    { a: [120, 60], b: [100, 120], range: ' (rounds 0.5–1.2)', median: 0.85 },
  ])('$a against $b → $range', ({ a, b, range, median }) => {
    const ratios = roundRatios(summarize(a), summarize(b));
    expect(ratios?.median).toBeCloseTo(median, 6);
    expect(roundRange(ratios)).toBe(range);
  });

  it.each([
    { case: 'a single round (the smoke)', a: [90], b: [100] },
    { case: 'rounds that do not pair', a: [90, 80], b: [100, 100, 100] },
  ])('gives nothing for $case', ({ a, b }) => {
    expect(roundRatios(summarize(a), summarize(b))).toBeUndefined();
    expect(roundRange(roundRatios(summarize(a), summarize(b)))).toBe('');
  });
});
