export type HourStatus =
  /** First hourly file of the hour written. */
  | 'compacted'
  /** A new version of the hourly file: late data merged with the existing records. */
  | 'merged'
  /** New sources held nothing new for the hour: only the manifest changed. */
  | 'sources-added'
  /** Nothing new since the last compaction: nothing written. */
  | 'unchanged'
  /** No source holds records of the hour and it was never compacted: nothing written. */
  | 'no-data';

export interface HourReport {
  readonly hour: string;
  readonly status: HourStatus;
  /** Version of the hourly file after this run (0 when there is none). */
  readonly version: number;
  /** Records in the hourly file after this run. */
  readonly records: number;
  /** Records this run added to the hour. */
  readonly newRecords: number;
  /** Duplicate occurrences dropped by this run. */
  readonly duplicatesDropped: number;
  /** Items this run quarantined (malformed lines, unresolvable payload refs). */
  readonly quarantined: number;
  readonly sourcesRead: number;
  readonly uncompressedBytes: number;
  readonly compressedBytes: number;
  readonly rawDeleted: number;
  readonly rawTagged: number;
}

export interface CompactionReport {
  readonly hours: readonly HourReport[];
  /** Hours whose hourly file or manifest this run wrote. */
  readonly hoursCompacted: number;
  readonly newRecords: number;
  readonly duplicatesDropped: number;
  readonly quarantined: number;
  readonly rawDeleted: number;
  readonly rawTagged: number;
  /** True when the run stopped at its deadline with hours still to do. */
  readonly incomplete: boolean;
}

export function summarize(
  hours: readonly HourReport[],
  extra: { readonly rawDeleted: number; readonly rawTagged: number; readonly incomplete: boolean },
): CompactionReport {
  const sum = (pick: (h: HourReport) => number) => hours.reduce((total, h) => total + pick(h), 0);
  return {
    hours,
    hoursCompacted: hours.filter(
      (h) => h.status === 'compacted' || h.status === 'merged' || h.status === 'sources-added',
    ).length,
    newRecords: sum((h) => h.newRecords),
    duplicatesDropped: sum((h) => h.duplicatesDropped),
    quarantined: sum((h) => h.quarantined),
    rawDeleted: sum((h) => h.rawDeleted) + extra.rawDeleted,
    rawTagged: sum((h) => h.rawTagged) + extra.rawTagged,
    incomplete: extra.incomplete,
  };
}

/** An hour's report as log fields (the log records' snake_case). */
export function hourFields(report: HourReport) {
  return {
    hour: report.hour,
    status: report.status,
    version: report.version,
    records: report.records,
    new_records: report.newRecords,
    duplicates_dropped: report.duplicatesDropped,
    quarantined: report.quarantined,
    sources_read: report.sourcesRead,
    uncompressed_bytes: report.uncompressedBytes,
    compressed_bytes: report.compressedBytes,
    raw_deleted: report.rawDeleted,
    raw_tagged: report.rawTagged,
  };
}

/** A run's totals as log fields; `hours` as `YYYY-MM-DDTHH:status`. */
export function runFields(report: CompactionReport) {
  return {
    hours: report.hours.map((h) => `${h.hour}:${h.status}`),
    hours_compacted: report.hoursCompacted,
    new_records: report.newRecords,
    duplicates_dropped: report.duplicatesDropped,
    quarantined: report.quarantined,
    raw_deleted: report.rawDeleted,
    raw_tagged: report.rawTagged,
    incomplete: report.incomplete,
  };
}
