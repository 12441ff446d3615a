/** One request's part of the body budget. */
export interface BudgetShare {
  /** Memory its body takes now (see BodyBytes: what arrived, or the buffer it is copied into). */
  readonly held: number;
  /** Bytes of its body that have arrived. */
  readonly arrived: number;
  /**
   * Holds `bytes` more of memory for `arrived` more bytes of body. Past the budget, requests still
   * being read are ended until it fits; false when that ended this one.
   */
  take(bytes: number, arrived: number): boolean;
  /** The body is complete and handed on: still counted, never ended to make room. */
  keep(): void;
  /** Counts nothing any more (answered, ended, or gone). Idempotent. */
  release(): void;
}

/**
 * Memory of request bodies held at once, over all requests: what has arrived (or a buffer made
 * for a body once much of it has), never a declared length alone, so a client that declares much
 * and sends little holds little.
 *
 * When a read would go past the limit, bodies being read are ended (503) until it fits: first the
 * one holding the most memory that has not arrived (a large buffer barely filled: the least work
 * thrown away), then the one holding the most. A small delivery (GitHub's are mostly a few KiB, read
 * in one chunk) is the last to go.
 */
export class BodyBudget {
  private total = 0;
  private readonly reading = new Set<Share>();

  constructor(readonly limit: number) {}

  get held(): number {
    return this.total;
  }

  /** A request about to read its body; `onEnded` is told (synchronously) when it is ended for room. */
  open(onEnded: () => void): BudgetShare {
    const share: Share = {
      held: 0,
      arrived: 0,
      state: 'reading',
      take: (bytes, arrived) => this.take(share, bytes, arrived),
      keep: () => {
        if (share.state === 'reading') share.state = 'kept';
        this.reading.delete(share);
        // Never ended now. The callback reaches the request's read, and through it the body, which
        // must not live as long as the share does (until the answer) once the handler is done with it.
        share.onEnded = undefined;
      },
      release: () => this.release(share),
      onEnded,
    };
    this.reading.add(share);
    return share;
  }

  private take(share: Share, bytes: number, arrived: number): boolean {
    if (share.state !== 'reading') return false;
    share.held += bytes;
    share.arrived += arrived;
    this.total += bytes;
    while (this.total > this.limit) {
      let victim = share;
      for (const other of this.reading) if (endsBefore(other, victim)) victim = other;
      // Released before it is told, so the loop sees the room it made whatever the callback does.
      const onEnded = victim.onEnded;
      this.release(victim);
      onEnded?.();
      if (victim === share) return false;
    }
    return true;
  }

  private release(share: Share): void {
    if (share.state === 'released') return;
    share.state = 'released';
    share.onEnded = undefined;
    this.reading.delete(share);
    this.total -= share.held;
    share.held = 0;
  }
}

interface Share extends BudgetShare {
  held: number;
  arrived: number;
  state: 'reading' | 'kept' | 'released';
  /** Dropped once the share can no longer be ended (kept or released). */
  onEnded: (() => void) | undefined;
}

/** Whether `a` is ended before `b` to make room: more memory not yet arrived, then more memory. */
function endsBefore(a: Share, b: Share): boolean {
  const unfilled = a.held - a.arrived - (b.held - b.arrived);
  return unfilled !== 0 ? unfilled > 0 : a.held > b.held;
}
