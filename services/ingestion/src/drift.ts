import {
  type Classification,
  type Delivery,
  DRIFT_REASONS,
  type PrivacyReason,
} from '@github-webhooks/events';
import type { IngestionMetric, IngestionMetrics, Logger } from './ports';

export type DriftReason = Extract<
  PrivacyReason,
  'shape_mismatch' | 'unknown_action' | 'private_repository_referenced'
>;

/**
 * One metric per drift reason, named as the dashboard shows them; the stack's alarm sums them and
 * serve's page reads its counts by reason from them.
 */
export const DRIFT_METRICS: Readonly<Record<DriftReason, IngestionMetric>> = {
  shape_mismatch: 'PrivatizedShapeMismatch',
  unknown_action: 'PrivatizedUnknownAction',
  private_repository_referenced: 'PrivatizedPrivateRepositoryReferenced',
};

/** An allowlisted event of a public repository judged private by what is deeper in its payload. */
export interface Drift {
  readonly delivery_id: string;
  readonly event: string;
  readonly hook_id: string | undefined;
  /** The payload's action, or null. */
  readonly action: string | null;
  readonly reason: DriftReason;
  /** The classifier's detail: the unknown action, the missing property, the private repository's path. */
  readonly field: string | null;
}

/** Hears of each drift as it is reported: serve keeps the last few for its page; the Lambda has none. */
export interface DriftObserver {
  note(drift: Drift): void;
}

const isDriftReason = (reason: PrivacyReason): reason is DriftReason => DRIFT_REASONS.has(reason);

/** The drift a verdict shows, if any: only allowlisted events of public repositories get these reasons. */
export function driftOf(delivery: Delivery, classification: Classification): Drift | undefined {
  if (!isDriftReason(classification.reason)) return undefined;
  const action = delivery.payload.action;
  return {
    delivery_id: delivery.id,
    event: delivery.event,
    hook_id: delivery.hookId,
    action: typeof action === 'string' ? action : null,
    reason: classification.reason,
    field: classification.detail ?? null,
  };
}

/**
 * Fail-closed makes a new action or a renamed field private without a sound: consumers just stop
 * seeing those events. Counted, logged and told to the observer (serve's page) so someone updates
 * the event model.
 */
export function reportDrift(
  drift: Drift,
  deps: { readonly logger: Logger; readonly metrics: IngestionMetrics; readonly drift?: DriftObserver },
): void {
  deps.metrics.count(DRIFT_METRICS[drift.reason]);
  deps.logger.warn('allowlisted event of a public repository judged private (drift?)', { ...drift });
  deps.drift?.note(drift);
}
