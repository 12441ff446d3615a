import { DRIFT_METRICS, type DriftReason } from '@github-webhooks/ingestion';
import type { RelayState } from '../relay/archive-relay';
import type { BrokerStatus } from './broker-state';
import type { CompactionState } from './compaction-timer';
import type { HealthReport } from './health-view';
import type { ReconcileState } from './reconcile-timer';

export interface HealthParts {
  readonly archiveDir: string;
  readonly broker: BrokerStatus;
  readonly relay: RelayState;
  readonly compactor: CompactionState;
  readonly reconciler: ReconcileState;
  readonly counts: Readonly<Record<string, number | undefined>>;
  /** Longer than this stuck or away is not ok. */
  readonly unhealthyAfterMs: number;
  readonly now: number;
}

/**
 * What /healthz says: not ok (503) while the relay has been stuck on a message, or the broker away,
 * for longer than the threshold; deliveries are still taken and archived meanwhile.
 */
export function healthReport(parts: HealthParts): HealthReport {
  const { broker, relay, now, unhealthyAfterMs } = parts;
  const relayStuck = relay.stuckSince !== undefined && now - relay.stuckSince > unhealthyAfterMs;
  const brokerAway = broker.awaySince !== undefined && now - broker.awaySince > unhealthyAfterMs;
  const problems = [
    // A raw file gone before the relay read it is a loss to look at now, not after a threshold.
    ...relay.lost.map((range) => `relay lost ${range.key} from byte ${range.fromOffset}`),
    ...(relayStuck ? [`relay stuck for ${Math.round((now - (relay.stuckSince ?? now)) / 1000)} s`] : []),
    ...(brokerAway ? [`broker away for ${Math.round((now - (broker.awaySince ?? now)) / 1000)} s`] : []),
  ];
  return {
    ok: problems.length === 0,
    ...(problems.length === 0 ? {} : { problems }),
    archive: { dir: parts.archiveDir },
    broker: {
      connected: broker.connected,
      last_error: broker.lastError,
      away_since: broker.awaySince === undefined ? undefined : new Date(broker.awaySince).toISOString(),
    },
    relay: {
      pending: relay.pending,
      lag_seconds: Math.round(relay.lagSeconds * 10) / 10,
      backlog_bytes: relay.backlogBytes,
      published: relay.published,
      dead_lettered: relay.deadLettered,
      retrying: relay.retrying,
      attempts: relay.attempts,
      stuck_since: relay.stuckSince === undefined ? undefined : new Date(relay.stuckSince).toISOString(),
      last_error: relay.lastError,
      ...(relay.lost.length === 0 ? {} : { lost: relay.lost }),
    },
    compactor: parts.compactor,
    reconciler: parts.reconciler,
    privacy_drift: driftCounts(parts.counts),
    counts: parts.counts,
  };
}

/** Allowlisted events of public repositories judged private, by reason (ingestion's DRIFT_METRICS). */
function driftCounts(counts: HealthParts['counts']): Record<DriftReason, number> {
  const entries = Object.entries(DRIFT_METRICS).map(([reason, metric]) => [reason, counts[metric] ?? 0]);
  return Object.fromEntries(entries) as Record<DriftReason, number>;
}
