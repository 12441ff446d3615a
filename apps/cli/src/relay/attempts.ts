/**
 * Tries of the first waiting record (only those made with the broker reachable count): after the
 * relay's maximum, it is dead-lettered rather than blocking everything behind it. A value: the
 * settle step takes it and gives the next one back.
 */
export type HeadAttempts = { readonly id: string; readonly tries: number } | undefined;

/** The tries after one more of `id` (counted when `counts`); a record not at the head starts over. */
export function countAttempt(head: HeadAttempts, id: string, counts: boolean): { id: string; tries: number } {
  const tries = head?.id === id ? head.tries : 0;
  return { id, tries: counts ? tries + 1 : tries };
}
