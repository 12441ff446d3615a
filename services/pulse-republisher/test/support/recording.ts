import { NoSuchKeyError } from '@github-webhooks/object-store';
import type { LogFields, Logger, Metrics } from '@github-webhooks/runtime';
import type { RepublisherMetric as MetricName, PayloadSource } from '../../src';

export interface LogLine {
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields: LogFields;
}

/** Keeps what the code logged, as JSON would carry it. */
export class RecordingLogger implements Logger {
  readonly lines: LogLine[] = [];
  debug(): void {}
  info(message: string, fields: LogFields = {}): void {
    this.lines.push({ level: 'info', message, fields: JSON.parse(JSON.stringify(fields)) });
  }
  warn(message: string, fields: LogFields = {}): void {
    this.lines.push({ level: 'warn', message, fields: JSON.parse(JSON.stringify(fields)) });
  }
  error(message: string, fields: LogFields = {}): void {
    this.lines.push({ level: 'error', message, fields: JSON.parse(JSON.stringify(fields)) });
  }
  about(messageId: string): LogLine[] {
    return this.lines.filter((line) => line.fields.message_id === messageId);
  }
}

export class RecordingMetrics implements Metrics<MetricName> {
  readonly counts = new Map<MetricName, number>();
  count(name: MetricName, value = 1): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + value);
  }
  get(name: MetricName): number {
    return this.counts.get(name) ?? 0;
  }
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }
}

/** An in-memory archive bucket: the ObjectStore's readAll, with its NoSuchKeyError. */
export class MemoryPayloads implements PayloadSource {
  readonly objects = new Map<string, Buffer>();
  readonly reads: string[] = [];
  /** Keys whose read fails as S3 does when throttled or unreachable. */
  readonly failing = new Set<string>();

  async readAll(key: string): Promise<Buffer> {
    this.reads.push(key);
    if (this.failing.has(key)) {
      throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    }
    const body = this.objects.get(key);
    if (body === undefined) throw new NoSuchKeyError(key);
    return body;
  }
}
