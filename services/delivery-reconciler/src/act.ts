import { describeError } from '@github-webhooks/runtime';
import { type Attempt, isSuccess } from './attempt';
import { DeliveryLogError } from './errors';
import { ARCHIVE_GRACE_MS, DEFAULT_RESERVE, type HookRun } from './hook-run';
import { type HookRef, hookName } from './hooks';
import type { RateBudget } from './ports';
import { itemOf, type ReportItem } from './report';
import type { RuleOptions, Verdict } from './rule';

/** Redelivers, or reports waiting or given up. A refused redelivery is logged; credentials failing end the run. */
export async function act(
  hook: HookRef,
  group: readonly Attempt[],
  verdict: Exclude<Verdict, { kind: 'delivered' }>,
  budget: RateBudget,
  run: HookRun,
): Promise<{ item: ReportItem; asked: boolean; budget: RateBudget }> {
  const name = hookName(hook);
  const fields = { delivery_id: group[0]?.guid, event: group[0]?.event, hook: name, attempts: group.length };
  if (verdict.kind === 'waiting') {
    run.tally.waiting += 1;
    return { item: itemOf(name, group, 'waiting'), asked: false, budget };
  }
  if (verdict.kind === 'gave_up') {
    run.tally.gave_up += 1;
    run.ports.logger.warn('gave up redelivering', fields);
    return { item: itemOf(name, group, 'gave_up'), asked: false, budget };
  }
  const item = { ...itemOf(name, group, 'redelivered'), reason: verdict.reason };
  if (run.options.dryRun) {
    run.tally.redelivered += 1;
    return { item, asked: false, budget };
  }
  if (budget.remaining !== undefined && budget.remaining <= (run.options.reserve ?? DEFAULT_RESERVE)) {
    run.tally.complete = false;
    run.tally.waiting += 1;
    return { item: itemOf(name, group, 'waiting'), asked: false, budget };
  }
  try {
    const after = await run.ports.log.redeliver(hook, verdict.attemptId);
    run.tally.api_calls += 1;
    run.tally.redelivered += 1;
    run.ports.logger.info('redelivery requested', {
      ...fields,
      reason: verdict.reason,
      attempt_id: verdict.attemptId,
    });
    return { item, asked: true, budget: after };
  } catch (error) {
    run.tally.api_calls += 1;
    if (
      !(error instanceof DeliveryLogError) ||
      error.status === undefined ||
      [401, 403].includes(error.status)
    )
      throw error;
    run.ports.logger.error('redelivery refused', { ...fields, error: describeError(error) });
    run.tally.waiting += 1;
    return { item: itemOf(name, group, 'waiting'), asked: false, budget };
  }
}

/** Whether the archive holds a GUID GitHub delivered; undefined when not checked (or too recent to tell). */
export function archivedState(group: readonly Attempt[], hook: HookRef, run: HookRun): boolean | undefined {
  if (run.index === undefined) return undefined;
  const success = group.find(isSuccess);
  if (success === undefined) return undefined;
  const grace = run.options.archiveGraceMs ?? ARCHIVE_GRACE_MS.s3;
  if (run.rule.now.getTime() - Date.parse(success.delivered_at) < grace) return undefined;
  return run.index.holds(success.guid, hook);
}

/** A redelivery this reconciler asked for whose attempt has not shown yet, within the first spacing. */
export function recentlyAsked(asked: string, latest: Attempt, rule: RuleOptions): boolean {
  const at = Date.parse(asked);
  return Date.parse(latest.delivered_at) < at && rule.now.getTime() - at < rule.firstSpacingMs;
}
