import { setTimeout as sleep } from 'node:timers/promises';
import {
  type ArchiveRecord,
  classify,
  openPayloadObject,
  type PrivacyPolicy,
  repositoryFullName,
} from '@github-webhooks/events';
import type { ObjectStore } from '@github-webhooks/object-store';
import {
  type Exchanges,
  type Logger,
  type MessagePublisher,
  type QueueMessage,
  republishBatch,
} from '@github-webhooks/pulse-republisher';
import { type ScanRange, scanArchive } from './archive-scan';

/** Consumers can tell a replayed message from a live one by this AMQP header. */
export const REPLAY_HEADER = 'x-github-webhooks-replay';

export interface ReplayOptions {
  readonly store: ObjectStore;
  readonly range: ScanRange;
  readonly event?: string | undefined;
  /** `owner/name`. */
  readonly repo?: string | undefined;
  readonly policy: PrivacyPolicy;
  readonly exchanges: Exchanges;
  /** Undefined for a dry run: count what would be published, publish nothing. */
  readonly publisher: MessagePublisher | undefined;
  readonly ratePerSecond: number;
  readonly logger: Logger;
  readonly onProgress?: (done: number) => void;
}

export interface ReplayReport {
  readonly matched: number;
  readonly published: number;
  readonly failed: number;
  /** Matching deliveries that are private (by their record or today's policy): never published. */
  readonly private: number;
  readonly malformed: number;
}

/**
 * Republishes archived public deliveries to Pulse, in archive order, tagged as replays and paced to
 * `ratePerSecond`. A private delivery is never published: the record must say public and today's
 * policy must agree (and the republisher checks both again).
 */
export async function replay(options: ReplayOptions): Promise<ReplayReport> {
  const counters = { malformed: 0 };
  let matched = 0;
  let published = 0;
  let failed = 0;
  let privateCount = 0;
  let batch: QueueMessage[] = [];
  const started = Date.now();
  const flush = async () => {
    if (batch.length === 0 || !options.publisher) return;
    const outcomes = await republishBatch(
      batch,
      { policy: options.policy, exchanges: options.exchanges, headers: { [REPLAY_HEADER]: 'true' } },
      {
        publisher: options.publisher,
        payloads: options.store,
        logger: options.logger,
        metrics: { count: () => undefined },
      },
    );
    batch = [];
    for (const outcome of outcomes) outcome.status === 'published' ? published++ : failed++;
    options.onProgress?.(published + failed);
    // Pace to the rate: wait until the time these messages were due.
    const due = started + ((published + failed) / options.ratePerSecond) * 1000;
    if (due > Date.now()) await sleep(due - Date.now());
  };
  for await (const { record, line } of scanArchive(options.store, options.range, counters)) {
    if (options.event !== undefined && record.event !== options.event) continue;
    const payload = await payloadOf(options.store, record);
    if (options.repo !== undefined && repositoryFullName(payload) !== options.repo) continue;
    matched += 1;
    if (!record.public || !classify(record.event, payload, options.policy).public) {
      privateCount += 1;
      continue;
    }
    batch.push({ messageId: record.delivery_id, body: line });
    if (batch.length >= 32) await flush();
  }
  await flush();
  return { matched, published, failed, private: privateCount, malformed: counters.malformed };
}

async function payloadOf(store: ObjectStore, record: ArchiveRecord): Promise<Record<string, unknown>> {
  if (record.payload) return record.payload;
  if (!record.payload_ref) return {};
  return JSON.parse(openPayloadObject(record.payload_ref, await store.readAll(record.payload_ref.key)));
}
