/** The compactor's core, shared by the Lambda (handler.ts) and the command line. */

export { type ClosingRule, hourClosesAt, isHourClosed } from './closed-hours';
export { type CompactHourOptions, compactHour } from './compact-hour';
export { type CompactPendingOptions, compactPending } from './compact-pending';
export {
  COMPACTOR_LEASE_KEY,
  COMPACTOR_LEASE_TTL_MS,
  type CompactorLeaseOptions,
  withCompactorLease,
} from './compactor-lease';
export { type CompactorConfig, readConfig } from './config';
export { type CompactorOptions, DEFAULT_EXPIRY_TAGS, type Disposal } from './context';
export { COMPACTOR_ENVIRONMENT } from './environment';
export * from './errors';
export { type ImportOriginalOptions, importOriginal } from './import-original';
export {
  type HourManifest,
  MANIFEST_FORMAT,
  MANIFEST_FORMAT_VERSION,
  type ManifestSource,
} from './manifest';
export type { CompactorMetric, CompactorMetrics, ProgressEvent } from './ports';
export { quarantineKey } from './quarantine';
export type { CompactionReport, HourReport, HourStatus } from './report';
export { createScheduledRun, type RunSummary, type ScheduledRunDeps } from './scheduled-run';
