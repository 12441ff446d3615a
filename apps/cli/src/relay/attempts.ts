/**
 * Tries of the first waiting record (only those made with the broker reachable count): after
 * `max`, it is dead-lettered rather than blocking everything behind it.
 */
export class AttemptCounter {
  private head: { id: string; attempts: number } | undefined;

  constructor(private readonly max: number) {}

  get current(): number {
    return this.head?.attempts ?? 0;
  }

  /** Counts a try of `id` when `counts`; true once it has had its tries. */
  count(id: string, counts: boolean): boolean {
    if (this.head?.id !== id) this.head = { id, attempts: 0 };
    if (counts) this.head.attempts += 1;
    return this.head.attempts >= this.max;
  }

  reset(): void {
    this.head = undefined;
  }
}
