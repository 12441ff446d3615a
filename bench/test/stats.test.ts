import { againstGoal } from '../src/stats';

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
