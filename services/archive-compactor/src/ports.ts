/** The outside world the core talks to, besides the object store. */
import type { MetricOf, Metrics } from '@github-webhooks/runtime';

export type { Logger } from '@github-webhooks/runtime';
export type CompactorMetric = MetricOf<'archive-compactor'>;
export type CompactorMetrics = Metrics<CompactorMetric>;

export type ProgressEvent =
  | { readonly type: 'hour-started'; readonly hour: string; readonly sources: number }
  | {
      readonly type: 'source-scanned';
      readonly hour: string;
      readonly key: string;
      readonly records: number;
      readonly quarantined: number;
    }
  | { readonly type: 'hour-written'; readonly hour: string; readonly records: number; readonly bytes: number }
  | { readonly type: 'hour-finished'; readonly hour: string; readonly status: string }
  | { readonly type: 'raw-disposed'; readonly how: 'deleted' | 'tagged'; readonly keys: number }
  | { readonly type: 'original-scanned'; readonly key: string; readonly hours: number };
