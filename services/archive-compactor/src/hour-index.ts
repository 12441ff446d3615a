/**
 * Pass 1's compact index of the records that fall in the hour: per record its delivery key (GUID,
 * hook and payload digest, only while scanning), received_at in ms, source, ordinal, line length and whether its payload is a
 * reference. Never payloads. About 100 bytes per record while scanning, 40 after.
 */
export class HourIndex {
  readonly time: number[] = [];
  readonly source: number[] = [];
  readonly ordinal: number[] = [];
  readonly bytes: number[] = [];
  readonly isRef: boolean[] = [];
  private readonly alive: boolean[] = [];
  private byId: Map<string, number> | undefined = new Map();

  get size(): number {
    return this.time.length;
  }

  /**
   * Adds one record occurrence; of several with the same delivery key (the same delivery, e.g. a
   * redelivery; one GUID sent to two hooks is two deliveries), the first arrival wins:
   * earliest received_at, then first source, then first position (sources may be scanned in
   * parallel, so entries do not come in that order).
   */
  add(
    deliveryKey: string,
    time: number,
    source: number,
    ordinal: number,
    bytes: number,
    isRef: boolean,
  ): void {
    const byId = this.byId;
    if (byId === undefined) throw new Error('HourIndex is sealed');
    const entry = this.time.length;
    this.time.push(time);
    this.source.push(source);
    this.ordinal.push(ordinal);
    this.bytes.push(bytes);
    this.isRef.push(isRef);
    const previous = byId.get(deliveryKey);
    if (previous === undefined) {
      byId.set(deliveryKey, entry);
      this.alive.push(true);
    } else if (this.before(time, source, ordinal, previous)) {
      this.alive[previous] = false;
      byId.set(deliveryKey, entry);
      this.alive.push(true);
    } else {
      this.alive.push(false);
    }
  }

  private before(time: number, source: number, ordinal: number, entry: number): boolean {
    const t = this.time[entry] as number;
    if (time !== t) return time < t;
    const s = this.source[entry] as number;
    return source !== s ? source < s : ordinal < (this.ordinal[entry] as number);
  }

  /** The kept entries in output order (received_at, source, ordinal); drops the id map. */
  seal(): Int32Array {
    this.byId = undefined;
    const kept: number[] = [];
    this.alive.forEach((alive, entry) => {
      if (alive) kept.push(entry);
    });
    const order = Int32Array.from(kept);
    const { time, source, ordinal } = this;
    order.sort(
      (a, b) =>
        (time[a] as number) - (time[b] as number) ||
        (source[a] as number) - (source[b] as number) ||
        (ordinal[a] as number) - (ordinal[b] as number),
    );
    return order;
  }
}
