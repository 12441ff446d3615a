import { NoSuchKeyError } from '@github-webhooks/object-store';
import { RecordingLogger, RecordingMetrics } from '@github-webhooks/runtime/testing';
import type { PayloadSource, RepublisherMetric } from '../../src';

export { RecordingLogger };
export class RepublisherMetrics extends RecordingMetrics<RepublisherMetric> {}

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
