import type { HourIndex } from './hour-index';

/** One sequential reader of a source in pass 2: it hands out its entries in increasing ordinal. */
export interface CursorPlan {
  readonly source: number;
  /** Entries this cursor hands out directly. */
  readonly deliveries: number;
  /** Entries it copies aside (ordinal -> entry) while passing them, for later in the output. */
  readonly stashes: ReadonlyMap<number, number>;
}

export interface MergePlan {
  /** Entries in output order. */
  readonly order: Int32Array;
  /** Per entry: the cursor that reads it, or -1 when it is taken from the stash. */
  readonly cursorOf: Int32Array;
  readonly cursors: readonly CursorPlan[];
  /** Most bytes of lines the stash holds at once. */
  readonly stashPeakBytes: number;
}

interface SourceEntries {
  /** The source's kept entries by increasing ordinal. */
  readonly entries: number[];
  /** Entries stored before an entry of the same source that is written earlier. */
  readonly stragglers: Set<number>;
}

/** Sources moved to extra cursors at most, before every remaining straggler is. */
const MAX_REPLANS = 8;

/**
 * Decides how pass 2 reads the sources to write the entries in `order` while streaming each
 * source front to back once. A source's entries that come out in the order they are stored are
 * read straight through by one cursor. The others, "stragglers" (stored before an entry of the
 * same source that is written earlier: Firehose appends in arrival order, received_at is taken a
 * little before, so neighbours are often swapped), are copied aside into the stash when the cursor
 * passes them and written at their turn, usually a few lines later. The stash's peak is computed
 * exactly by simulating the output; while it exceeds `stashBudget`, the source holding most of it
 * at the peak reads its stragglers with extra cursors instead (split into as few increasing
 * chains as possible, one re-read of the source per chain): memory stays bounded even for a
 * source in no useful order, at the price of re-reading it.
 */
export function planMerge(
  index: HourIndex,
  order: Int32Array,
  sourceCount: number,
  stashBudget: number,
): MergePlan {
  const rank = new Int32Array(index.size).fill(-1);
  order.forEach((entry, position) => {
    rank[entry] = position;
  });
  const sources = splitBySource(index, order, rank, sourceCount);

  const chained = new Set<number>();
  let peak = simulateStash(index, order, sources, chained);
  for (let replans = 0; peak.bytes > stashBudget; replans++) {
    const heaviest = replans < MAX_REPLANS ? peak.heaviestSource : -1;
    if (heaviest === -1) {
      sources.forEach((s, source) => {
        if (s.stragglers.size > 0) chained.add(source);
      });
    } else {
      chained.add(heaviest);
    }
    peak = simulateStash(index, order, sources, chained);
  }

  const cursorOf = new Int32Array(index.size).fill(-1);
  const cursors: CursorPlan[] = [];
  sources.forEach(({ entries, stragglers }, source) => {
    if (entries.length === 0) return;
    const main = cursors.length;
    const stashes = new Map<number, number>();
    const others: number[] = [];
    let deliveries = 0;
    for (const entry of entries) {
      if (!stragglers.has(entry)) {
        cursorOf[entry] = main;
        deliveries++;
      } else if (chained.has(source)) {
        others.push(entry);
      } else {
        stashes.set(index.ordinal[entry] as number, entry);
      }
    }
    cursors.push({ source, deliveries, stashes });
    for (const chain of increasingChains(others, rank)) {
      for (const entry of chain) cursorOf[entry] = cursors.length;
      cursors.push({ source, deliveries: chain.length, stashes: new Map() });
    }
  });
  return { order, cursorOf, cursors, stashPeakBytes: peak.bytes };
}

function splitBySource(
  index: HourIndex,
  order: Int32Array,
  rank: Int32Array,
  sourceCount: number,
): SourceEntries[] {
  const bySource: number[][] = Array.from({ length: sourceCount }, () => []);
  for (const entry of order) bySource[index.source[entry] as number]?.push(entry);
  return bySource.map((entries) => {
    entries.sort((a, b) => (index.ordinal[a] as number) - (index.ordinal[b] as number));
    const stragglers = new Set<number>();
    let minRankAfter = Number.POSITIVE_INFINITY;
    for (let i = entries.length - 1; i >= 0; i--) {
      const entry = entries[i] as number;
      const r = rank[entry] as number;
      if (r > minRankAfter) stragglers.add(entry);
      else minRankAfter = r;
    }
    return { entries, stragglers };
  });
}

/**
 * Replays pass 2: when a source's main cursor moves on to its next entry, every straggler it
 * passes enters the stash; a straggler leaves it when written. Returns the peak and the source
 * holding most of it then (found by replaying again up to the peak).
 */
function simulateStash(
  index: HourIndex,
  order: Int32Array,
  sources: readonly SourceEntries[],
  chained: ReadonlySet<number>,
): { bytes: number; heaviestSource: number } {
  const peak = replay(index, order, sources, chained, order.length);
  if (peak.bytes === 0) return { bytes: 0, heaviestSource: -1 };
  const { held } = replay(index, order, sources, chained, peak.at + 1);
  let heaviestSource = 0;
  held.forEach((h, k) => {
    if (h > (held[heaviestSource] as number)) heaviestSource = k;
  });
  return { bytes: peak.bytes, heaviestSource };
}

function replay(
  index: HourIndex,
  order: Int32Array,
  sources: readonly SourceEntries[],
  chained: ReadonlySet<number>,
  until: number,
): { bytes: number; at: number; held: Float64Array } {
  const passed = new Int32Array(sources.length); // per source: entries (by ordinal) its cursor passed
  const held = new Float64Array(sources.length);
  let bytes = 0;
  let peak = { bytes: 0, at: 0 };
  for (let position = 0; position < until; position++) {
    const entry = order[position] as number;
    const source = index.source[entry] as number;
    const s = sources[source] as SourceEntries;
    if (chained.has(source)) continue;
    const size = index.bytes[entry] as number;
    if (s.stragglers.has(entry)) {
      bytes -= size;
      held[source] = (held[source] as number) - size;
      continue;
    }
    // The main cursor reaches `entry`: the stragglers stored before it wait in the stash.
    let i = passed[source] as number;
    for (; s.entries[i] !== entry; i++) {
      const waiting = index.bytes[s.entries[i] as number] as number;
      bytes += waiting;
      held[source] = (held[source] as number) + waiting;
    }
    passed[source] = i + 1;
    if (bytes > peak.bytes) peak = { bytes, at: position };
  }
  return { ...peak, held };
}

/** Splits entries (in ordinal order) into the fewest subsequences of increasing rank. */
function increasingChains(entries: readonly number[], rank: Int32Array): number[][] {
  const chains: number[][] = [];
  // lastRanks[i] is the rank at the end of chains[i]; kept sorted descending.
  const lastRanks: number[] = [];
  for (const entry of entries) {
    const r = rank[entry] as number;
    // The chain ending with the largest rank still below r keeps the others free for smaller ranks.
    let lo = 0;
    let hi = lastRanks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((lastRanks[mid] as number) < r) hi = mid;
      else lo = mid + 1;
    }
    if (lo === lastRanks.length) {
      chains.push([entry]);
      lastRanks.push(r);
    } else {
      chains[lo]?.push(entry);
      lastRanks[lo] = r;
    }
  }
  return chains;
}
