import { act, archivedState, recentlyAsked } from './act';
import { type Attempt, groupByGuid } from './attempt';
import {
  type Checkpoint,
  EMPTY_HOOK_STATE,
  type HookState,
  loadCheckpoint,
  saveCheckpoint,
} from './checkpoint';
import { DEFAULT_RESERVE, emptyTally, type HookRun, type ReconcileOptions, type Tally } from './hook-run';
import { type HookRef, hookName } from './hooks';
import type { RateBudget, ReconcilePorts } from './ports';
import type { ReconcileReport } from './report';
import { DEFAULT_RULE, decide, isExpiring, type RuleOptions } from './rule';
import { scanHook } from './scan';

export { ARCHIVE_GRACE_MS, DEFAULT_RESERVE, type ReconcileOptions } from './hook-run';

/**
 * One reconciliation: for each hook, read its delivery log over the window, decide per GUID (the
 * rule), ask GitHub to redeliver what never arrived, and report. A GUID is acted on only when its
 * whole history is known (its original attempt was read, now or by an earlier run), so a run never
 * redelivers a delivered GUID. The checkpoint keeps the scan incremental between hourly full sweeps.
 */
export async function reconcile(options: ReconcileOptions, ports: ReconcilePorts): Promise<ReconcileReport> {
  const now = ports.clock();
  const rule: RuleOptions = {
    now,
    maxRedeliveries: options.maxRedeliveries ?? DEFAULT_RULE.maxRedeliveries,
    retentionMs: options.retentionMs,
    expiringWithinMs: options.expiringWithinMs ?? DEFAULT_RULE.expiringWithinMs,
    firstSpacingMs: options.firstSpacingMs ?? DEFAULT_RULE.firstSpacingMs,
  };
  const checkpoint = await loadCheckpoint(ports.checkpoint);
  const index = await ports.archive?.(new Date(options.since.getTime() - 3_600_000), now);
  const tally = emptyTally();
  const hooks: Record<string, HookState> = { ...checkpoint.hooks };
  let budget: RateBudget = { remaining: undefined, limit: undefined };
  for (const hook of options.hooks) {
    const name = hookName(hook);
    const result = await reconcileHook(hook, hooks[name] ?? EMPTY_HOOK_STATE, budget, {
      options,
      ports,
      rule,
      index,
      tally,
    });
    hooks[name] = result.state;
    budget = result.budget;
  }
  if (!options.dryRun) await saveCheckpoint(ports.checkpoint, { version: 1, hooks } satisfies Checkpoint);
  countMetrics(ports, tally);
  const { items, ...counts } = tally;
  return { hooks: options.hooks.length, ...counts, dry_run: options.dryRun ?? false, items };
}

async function reconcileHook(
  hook: HookRef,
  state: HookState,
  budget: RateBudget,
  run: HookRun,
): Promise<{ state: HookState; budget: RateBudget }> {
  const { options, ports, rule, tally } = run;
  const name = hookName(hook);
  const now = rule.now;
  const sweepEvery = options.fullSweepEveryMs ?? 3_600_000;
  const full =
    state.swept_at === undefined ||
    now.getTime() - Date.parse(state.swept_at) >= sweepEvery ||
    state.swept_since === undefined ||
    options.since.getTime() < Date.parse(state.swept_since);
  const scan = await scanHook(
    ports.log,
    hook,
    {
      since: options.since,
      until: full || state.newest === undefined ? undefined : new Date(state.newest),
      reserve: options.reserve ?? DEFAULT_RESERVE,
      onPage: (attempts, pages) => ports.progress?.({ hook: name, attempts, pages }),
    },
    budget,
  );
  tally.api_calls += scan.calls;
  tally.attempts += scan.attempts.length;
  tally.complete &&= scan.complete;
  // A complete sweep of the window knows everything; otherwise add what earlier runs kept.
  const known = full && scan.complete ? scan.attempts : [...scan.attempts, ...state.open];
  const open: Attempt[] = [];
  const requested: Record<string, string> = {};
  let last = scan.budget;
  for (const group of groupByGuid(known).values()) {
    const latest = group.at(-1) as Attempt;
    if (Date.parse(latest.delivered_at) < options.since.getTime()) continue; // left the window
    // Without its original attempt the GUID's history is unknown (an older attempt may have got a 2xx).
    if (!group.some((a) => !a.redelivery)) continue;
    tally.deliveries += 1;
    const archived = archivedState(group, hook, run);
    let verdict = decide(group, rule, archived);
    const asked = state.requested[latest.guid];
    if (verdict.kind === 'redeliver' && asked !== undefined && recentlyAsked(asked, latest, rule)) {
      verdict = { kind: 'waiting', until: new Date(Date.parse(asked) + rule.firstSpacingMs) };
      requested[latest.guid] = asked;
    }
    if (verdict.kind === 'delivered') {
      tally.delivered += 1;
      continue;
    }
    open.push(...group);
    const expiring = isExpiring(group, rule);
    if (expiring) tally.expiring += 1;
    const outcome = await act(hook, group, verdict, last, run);
    last = outcome.budget;
    if (outcome.asked) requested[latest.guid] = now.toISOString();
    tally.items.push({ ...outcome.item, ...(expiring ? { expiring: true as const } : {}) });
  }
  const newest = scan.complete
    ? maxTime(scan.attempts.map((a) => a.delivered_at).concat(state.newest ?? []))
    : state.newest;
  return {
    state: {
      ...(newest === undefined ? {} : { newest }),
      ...(full && scan.complete
        ? { swept_at: now.toISOString(), swept_since: options.since.toISOString() }
        : pick(state)),
      open,
      requested,
    },
    budget: last,
  };
}

const maxTime = (times: readonly string[]): string | undefined =>
  times.length === 0 ? undefined : times.reduce((a, b) => (Date.parse(a) >= Date.parse(b) ? a : b));

const pick = (state: HookState) => ({
  ...(state.swept_at === undefined ? {} : { swept_at: state.swept_at }),
  ...(state.swept_since === undefined ? {} : { swept_since: state.swept_since }),
});

function countMetrics(ports: ReconcilePorts, tally: Tally): void {
  const { metrics } = ports;
  metrics.count('AttemptsRead', tally.attempts);
  metrics.count('Redelivered', tally.redelivered);
  metrics.count('Waiting', tally.waiting);
  metrics.count('GaveUp', tally.gave_up);
  metrics.count('Expiring', tally.expiring);
  metrics.count('MissingFromArchive', tally.items.filter((i) => i.reason === 'missing_from_archive').length);
  metrics.count('ApiCalls', tally.api_calls);
  if (!tally.complete) metrics.count('RunIncomplete');
}
