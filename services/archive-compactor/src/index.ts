/** The compactor's core, shared by the Lambda (handler.ts) and the command line. */
export { type CompactHourOptions, compactHour } from './compact-hour';
export { type CompactPendingOptions, compactPending } from './compact-pending';
export { type CompactorConfig, ConfigError, readConfig } from './config';
export { type CompactorOptions, DEFAULT_EXPIRY_TAGS, type Disposal } from './context';
export { HourlyFileCorruptError, SourceChangedError, VerificationError } from './errors';
export { type ImportLegacyOptions, importLegacy, LegacyPrefixError } from './import-legacy';
export {
  type HourManifest,
  MANIFEST_FORMAT,
  MANIFEST_FORMAT_VERSION,
  ManifestFormatError,
  type ManifestSource,
} from './manifest';
export * from './ports';
export { quarantineKey } from './quarantine';
export type { CompactionReport, HourReport, HourStatus } from './report';
export { createScheduledRun, type RunSummary, type ScheduledRunDeps } from './scheduled-run';
