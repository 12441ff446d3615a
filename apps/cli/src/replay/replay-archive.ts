import { setTimeout as sleep } from 'node:timers/promises';
import { resolvePayloadRef, type ScanRange, scanArchive } from '@github-webhooks/archive';
import {
  type ArchiveRecord,
  classify,
  formatRecordLine,
  type PrivacyPolicy,
  recordMeta,
  repositoryFullName,
  type WebhookPayload,
} from '@github-webhooks/events';
import type { ObjectStore } from '@github-webhooks/object-store';
import { type Exchanges, type MessagePublisher, REPLAY_HEADER } from '@github-webhooks/pulse';
import { type QueueMessage, republishBatch } from '@github-webhooks/pulse-republisher';
import { type Logger, noMetrics } from '@github-webhooks/runtime';

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
        metrics: noMetrics,
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
    const resolved = await payloadOf(options.store, record, line);
    if (resolved === undefined) {
      counters.malformed += 1;
      continue;
    }
    if (options.repo !== undefined && repositoryFullName(resolved.payload) !== options.repo) continue;
    matched += 1;
    if (!record.public || !classify(record.event, resolved.payload, options.policy).public) {
      privateCount += 1;
      continue;
    }
    batch.push({ messageId: record.delivery_id, body: resolved.line });
    if (batch.length >= 32) await flush();
  }
  await flush();
  return { matched, published, failed, private: privateCount, malformed: counters.malformed };
}

/**
 * The payload (for the filters and the privacy check) and the line to republish: a payload stored
 * by reference is read once here and handed on inline. Undefined when its object is missing or
 * corrupt; a failure to read it (a 403, the network) is thrown: the replay fails, it skips nothing.
 */
async function payloadOf(
  store: ObjectStore,
  record: ArchiveRecord,
  line: string,
): Promise<{ payload: WebhookPayload; line: string } | undefined> {
  if (record.payload !== undefined) return { payload: record.payload, line };
  if (record.payload_ref === undefined) return undefined;
  const resolved = await resolvePayloadRef(store, record.payload_ref);
  if (resolved.kind !== 'ok') return undefined;
  const inline = formatRecordLine(recordMeta(record), { payloadText: resolved.text }).slice(0, -1);
  return { payload: JSON.parse(resolved.text) as WebhookPayload, line: inline };
}
