/**
 * How long each stage measures. The full run is the measurement the README's table comes from; the
 * smoke (`pnpm bench --smoke`, run by CI) runs every stage and every baseline briefly, so a stage
 * that no longer builds or runs is noticed, and judges no goal.
 */
export interface Profile {
  readonly name: 'full' | 'smoke';
  /** Each load on a fresh server, after `warmupSeconds` of the same requests unmeasured. */
  readonly ingestion: { readonly rounds: number; readonly seconds: number; readonly warmupSeconds: number };
  /** Rounds of parsing then classifying each payload, each at least `milliseconds` long. */
  readonly privacy: { readonly rounds: number; readonly milliseconds: number };
  /** `scale` multiplies the messages each republish case publishes. */
  readonly republish: { readonly rounds: number; readonly scale: number };
  readonly compaction: { readonly megabytes: number; readonly rounds: number };
  /** Archive sizes (uncompressed MB) the query stage builds, two at least: memory must not follow size. */
  readonly query: { readonly sizesMb: readonly number[]; readonly rounds: number };
  readonly coldStart: { readonly runs: number };
  /** Requests each server is warmed up with and then counted over, under callgrind; rounds of each. */
  readonly instructions: { readonly requests: number; readonly rounds: number };
}

export const FULL: Profile = {
  name: 'full',
  ingestion: { rounds: 3, seconds: 2, warmupSeconds: 1 },
  privacy: { rounds: 5, milliseconds: 400 },
  republish: { rounds: 3, scale: 1 },
  compaction: { megabytes: 300, rounds: 3 },
  query: { sizesMb: [1_000, 2_000], rounds: 3 },
  coldStart: { runs: 25 },
  instructions: { requests: 1_000, rounds: 2 },
};

export const SMOKE: Profile = {
  name: 'smoke',
  ingestion: { rounds: 1, seconds: 1, warmupSeconds: 0 },
  privacy: { rounds: 1, milliseconds: 50 },
  republish: { rounds: 1, scale: 0.1 },
  compaction: { megabytes: 10, rounds: 1 },
  query: { sizesMb: [100, 200], rounds: 1 },
  coldStart: { runs: 2 },
  instructions: { requests: 20, rounds: 1 },
};
