/** What ingestion needs from the outside world. Lambda wires AWS; the local stack wires disk and memory. */
import type { Logger, MetricOf, Metrics } from '@github-webhooks/runtime';

export interface CallOptions {
  /** Aborted when the request's deadline passes, so GitHub gets an answer inside its 10 s. */
  readonly signal?: AbortSignal;
  /**
   * The same deadline in ms since the epoch, for a sink that can check it without a signal (the
   * signal, and its timer, may then never be made).
   */
  readonly deadline?: number;
}

/** Long-term storage of every delivery: one NDJSON line (newline-terminated, text or UTF-8) per delivery. */
export interface ArchiveSink {
  append(line: string | Buffer, options?: CallOptions): Promise<void>;
}

export type TopicName = 'all' | 'public';

export interface TopicMessage {
  /** The archive record on one line, without the newline. */
  readonly body: string;
  /** For subscribers' filter policies: event, repository, public, action. */
  readonly attributes: Readonly<Record<string, string>>;
}

export interface Topics {
  publish(topic: TopicName, message: TopicMessage, options?: CallOptions): Promise<void>;
}

/**
 * Where payloads too large for a record or message go (`payloads/<GUID>-<sha256>.json.gz`), written
 * only if absent: the key names the content, so an existing object already holds these bytes.
 */
export interface PayloadStore {
  write(
    key: string,
    body: Uint8Array,
    options?: CallOptions & { contentType?: string; contentEncoding?: string; ifAbsent?: boolean },
  ): Promise<void>;
}

/** Current and previous webhook secrets (rotation); may be fetched and cached. */
export type SecretsSource = () => Promise<readonly string[]>;

export type IngestionMetric = MetricOf<'ingestion'>;
export type IngestionMetrics = Metrics<IngestionMetric>;
export type { Logger };

export interface Clock {
  now(): Date;
}
