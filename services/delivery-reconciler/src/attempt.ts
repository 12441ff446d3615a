/**
 * One attempt in a hook's delivery log, as GitHub lists it (the fields the rule uses of its
 * `hook-delivery-item`). Every redelivery of an event is another attempt with the same `guid`.
 */
export interface Attempt {
  /** The attempt's own id (the one redelivery is requested with). */
  readonly id: number;
  /** `X-GitHub-Delivery` of the event: shared by all its attempts. */
  readonly guid: string;
  /** ISO-8601. */
  readonly delivered_at: string;
  readonly redelivery: boolean;
  /** The HTTP status answered, 0 when there was none (no connection, a timeout). */
  readonly status_code: number;
  readonly status: string;
  readonly event: string;
  readonly action: string | null;
  readonly repository_id: number | null;
}

export const isSuccess = (attempt: Attempt): boolean =>
  attempt.status_code >= 200 && attempt.status_code < 300;

/** Attempts grouped by GUID, each group oldest first; the groups newest GUID first. */
export function groupByGuid(attempts: Iterable<Attempt>): Map<string, Attempt[]> {
  const groups = new Map<string, Attempt[]>();
  const seen = new Set<number>();
  for (const attempt of attempts) {
    if (seen.has(attempt.id)) continue;
    seen.add(attempt.id);
    const group = groups.get(attempt.guid) ?? [];
    group.push(attempt);
    groups.set(attempt.guid, group);
  }
  for (const group of groups.values()) group.sort(byTime);
  return groups;
}

export const byTime = (a: Attempt, b: Attempt): number =>
  Date.parse(a.delivered_at) - Date.parse(b.delivered_at) || a.id - b.id;
