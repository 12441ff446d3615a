import { createPrivacyPolicy } from '@github-webhooks/events';
import { TEST_SECRET } from '@github-webhooks/fixtures';
import { RecordingLogger, RecordingMetrics } from '@github-webhooks/runtime/testing';
import type {
  ArchiveSink,
  CallOptions,
  IngestDeps,
  IngestionMetric,
  PayloadStore,
  TopicMessage,
  TopicName,
  Topics,
} from '../../src';
import { AWS_LIMITS } from '../../src';

export class MemoryArchive implements ArchiveSink {
  readonly lines: string[] = [];
  failure: Error | undefined;
  async append(line: string | Buffer, options: CallOptions = {}): Promise<void> {
    options.signal?.throwIfAborted();
    if (this.failure) throw this.failure;
    this.lines.push(String(line));
  }
}

export class MemoryTopics implements Topics {
  readonly messages: Record<TopicName, TopicMessage[]> = { all: [], public: [] };
  readonly failures: Partial<Record<TopicName, Error>> = {};
  async publish(topic: TopicName, message: TopicMessage): Promise<void> {
    const failure = this.failures[topic];
    if (failure) throw failure;
    this.messages[topic].push(message);
  }
}

export class MemoryPayloads implements PayloadStore {
  readonly objects = new Map<string, Uint8Array>();
  async write(key: string, body: Uint8Array): Promise<void> {
    this.objects.set(key, body);
  }
}

export const RECEIVED_AT = new Date('2026-11-28T15:06:18.123Z');

export function fakeDeps(overrides: Partial<IngestDeps> = {}) {
  const archive = new MemoryArchive();
  const topics = new MemoryTopics();
  const payloads = new MemoryPayloads();
  const logger = new RecordingLogger();
  const metrics = new RecordingMetrics<IngestionMetric>();
  const deps: IngestDeps = {
    archive,
    topics,
    payloads,
    logger,
    metrics,
    secrets: async () => [TEST_SECRET],
    policy: createPrivacyPolicy(),
    clock: { now: () => RECEIVED_AT },
    limits: AWS_LIMITS,
    deadlineMs: 8_000,
    ...overrides,
  };
  return { deps, archive, topics, payloads, logger, metrics };
}
