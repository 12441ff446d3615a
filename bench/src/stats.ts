export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly samples: readonly number[];
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return { median, min: sorted[0] ?? 0, max: sorted.at(-1) ?? 0, samples };
}

export const round = (n: number, digits = 2): number => Number(n.toFixed(digits));

/** A ratio to two places, or three where two would round a miss up to its goal (0.797 is not 0.8). */
export const againstGoal = (ratio: number, goal: number): number =>
  ratio < goal && round(ratio) >= goal ? round(ratio, 3) : round(ratio);

/**
 * Each round's ratio of `a` to `b`, both measured in that round (samples in round order): how far
 * one run's median ratio stands from the noise. Undefined for a single round, or rounds that do not pair.
 */
export function roundRatios(a: Summary, b: Summary): Summary | undefined {
  const count = a.samples.length;
  if (count < 2 || b.samples.length !== count) return undefined;
  return summarize(a.samples.map((x, i) => x / (b.samples[i] ?? Number.NaN)));
}

/** ` (rounds min–max)` for the table, or nothing. */
export const roundRange = (ratios: Summary | undefined): string =>
  ratios === undefined ? '' : ` (rounds ${round(ratios.min)}–${round(ratios.max)})`;

/** `median (min–max)` for the table. */
export const show = (s: Summary, digits = 0): string =>
  `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
