import { hourLabel, hourlyKey, hourStart } from '@github-webhooks/events';
import { type CompactorOptions, type Context, createContext } from './context';
import { type Disposed, disposeCovered } from './disposal';
import { emitLines } from './emit-lines';
import { HourlyFileCorruptError, VerificationError } from './errors';
import { BufferPool, type GzipFileFacts, readGzipFacts, writeGzipFile } from './gzip-file';
import { findObject, type HourManifest, MANIFEST_FORMAT, MANIFEST_FORMAT_VERSION } from './manifest';
import { planMerge } from './merge-plan';
import { type HourReport, type HourStatus, hourFields } from './report';
import { type HourScan, scanHour } from './scan-hour';
import { gatherSources, type SourceObject, toSource } from './sources';

export interface CompactHourOptions extends CompactorOptions {
  /** Any time within the hour to compact. */
  readonly hour: Date;
  /** Keys of further objects holding records of the hour (besides its raw prefix and the previous one). */
  readonly extraSources?: readonly string[];
}

/** Compacts one hour: merges whatever is new into its hourly file, then disposes covered raw objects. */
export async function compactHour(options: CompactHourOptions): Promise<HourReport> {
  const context = createContext(options);
  const extra: SourceObject[] = [];
  for (const key of options.extraSources ?? []) {
    const info = await context.store.head(key);
    if (info === undefined) context.logger.warn('extra source does not exist', { key });
    else extra.push(toSource(info, key.startsWith('raw/') ? 'raw' : 'original'));
  }
  return compactHourIn(context, hourStart(options.hour), extra);
}

/**
 * The steps, each safe to be interrupted: (1) pass 1 reads the new sources (quarantine files are
 * written then, same content on every run); (2) pass 2 writes the new hourly file whole (atomic);
 * (3) it is read back and checked; (4) the manifest is written, listing the sources; (5) raw
 * objects whose hours are all in manifests are disposed. A rerun after (2) merges the file
 * written with the sources still unlisted: same result, nothing lost or doubled.
 */
export async function compactHourIn(
  context: Context,
  hour: Date,
  extra: readonly SourceObject[],
): Promise<HourReport> {
  context.signal?.throwIfAborted();
  const label = hourLabel(hour);
  const previous = await context.manifests.get(hour);
  const { candidates, raw } = await gatherSources(context, hour, previous, extra);
  if (candidates.length === 0) {
    const disposed = previous === undefined ? { deleted: 0, tagged: 0 } : await disposeCovered(context, raw);
    return quietReport(label, previous, disposed);
  }
  context.progress({ type: 'hour-started', hour: label, sources: candidates.length });

  const key = hourlyKey(hour);
  const existing = await findObject(context.store, key);
  if (previous !== undefined && existing === undefined) {
    throw new HourlyFileCorruptError(`${key} is missing although its manifest exists`);
  }
  const hourly = existing && { ...existing, kind: 'hourly' as const, home: hour };
  const objects = hourly === undefined ? candidates : [hourly, ...candidates];
  const scan = await scanHour(context, hour, objects);
  const order = scan.index.seal();
  const firstNew = hourly === undefined ? 0 : 1;
  const newRecords = order.filter((entry) => (scan.index.source[entry] as number) >= firstNew).length;

  let facts: GzipFileFacts;
  let version: number;
  let status: HourStatus;
  if (previous !== undefined && scan.hourlySha256 === previous.sha256 && newRecords === 0) {
    if (order.length !== previous.records) {
      throw new HourlyFileCorruptError(
        `${key} holds ${order.length} distinct records, its manifest ${previous.records}`,
      );
    }
    facts = {
      sha256: previous.sha256,
      compressedBytes: previous.compressed_bytes,
      uncompressedBytes: previous.uncompressed_bytes,
      lines: previous.records,
    };
    version = previous.version;
    status = 'sources-added';
  } else {
    const plan = planMerge(scan.index, order, objects.length, context.stashBytes);
    const pool = new BufferPool();
    const sources = scan.sources.map((s) => s.readable);
    const lines = emitLines(context, sources, scan.index, plan, pool);
    facts = await writeGzipFile(context.store, key, lines, context.gzipLevel, pool);
    context.progress({
      type: 'hour-written',
      hour: label,
      records: facts.lines,
      bytes: facts.compressedBytes,
    });
    await verify(context, key, facts, order.length);
    version = (previous?.version ?? 0) + 1;
    status = previous === undefined ? 'compacted' : 'merged';
  }

  const manifest = buildManifest(context, hour, previous, scan, order, facts, version);
  await context.manifests.save(hour, manifest);
  const disposed = await disposeCovered(context, raw);

  const quarantined = scan.sources.reduce((n, s) => n + s.quarantined, 0);
  const report: HourReport = {
    hour: label,
    status,
    version,
    records: manifest.records,
    newRecords,
    duplicatesDropped: manifest.duplicates_dropped - (previous?.duplicates_dropped ?? 0),
    quarantined,
    sourcesRead: objects.length,
    uncompressedBytes: manifest.uncompressed_bytes,
    compressedBytes: manifest.compressed_bytes,
    rawDeleted: disposed.deleted,
    rawTagged: disposed.tagged,
  };
  context.logger.info('hour compacted', hourFields(report));
  if (quarantined > 0) context.logger.warn('hour has quarantined items', { hour: label, quarantined });
  context.metrics.count('HoursCompacted', 1);
  context.metrics.count('RecordsWritten', status === 'sources-added' ? 0 : manifest.records);
  context.metrics.count('NewRecords', newRecords);
  context.metrics.count('DuplicatesDropped', report.duplicatesDropped);
  context.metrics.count('Quarantined', quarantined);
  context.progress({ type: 'hour-finished', hour: label, status });
  return report;
}

async function verify(context: Context, key: string, written: GzipFileFacts, records: number): Promise<void> {
  if (written.lines !== records) {
    throw new VerificationError(`${key}: wrote ${written.lines} lines for ${records} records`);
  }
  const read = await readGzipFacts(context.store, key);
  const same =
    read.sha256 === written.sha256 &&
    read.compressedBytes === written.compressedBytes &&
    read.uncompressedBytes === written.uncompressedBytes &&
    read.lines === records;
  if (!same) {
    throw new VerificationError(
      `${key} reads back as ${read.lines} lines, sha256 ${read.sha256}; written ${records} lines, sha256 ${written.sha256}`,
    );
  }
}

function buildManifest(
  context: Context,
  hour: Date,
  previous: HourManifest | undefined,
  scan: HourScan,
  order: Int32Array,
  facts: GzipFileFacts,
  version: number,
): HourManifest {
  const added = scan.sources
    .filter((s) => s.object.kind !== 'hourly')
    .map((s) => ({
      key: s.object.key,
      size: s.object.size,
      records: s.records,
      quarantined: s.quarantined,
      hours: [...s.hours].sort((a, b) => a - b).map((h) => hourLabel(new Date(h))),
    }));
  const sources = [...(previous?.sources ?? []), ...added];
  const occurrences = sources.reduce((n, s) => n + s.records, 0);
  const time = (position: number) => {
    const entry = order[position];
    return entry === undefined ? null : new Date(scan.index.time[entry] as number).toISOString();
  };
  return {
    format: MANIFEST_FORMAT,
    format_version: MANIFEST_FORMAT_VERSION,
    hour: hourLabel(hour),
    key: hourlyKey(hour),
    version,
    compacted_at: context.now.toISOString(),
    records: order.length,
    compressed_bytes: facts.compressedBytes,
    uncompressed_bytes: facts.uncompressedBytes,
    sha256: facts.sha256,
    first_received_at: time(0),
    last_received_at: time(order.length - 1),
    duplicates_dropped: occurrences - order.length,
    quarantined: sources.reduce((n, s) => n + s.quarantined, 0),
    sources,
  };
}

function quietReport(label: string, previous: HourManifest | undefined, disposed: Disposed): HourReport {
  return {
    hour: label,
    status: previous === undefined ? 'no-data' : 'unchanged',
    version: previous?.version ?? 0,
    records: previous?.records ?? 0,
    newRecords: 0,
    duplicatesDropped: 0,
    quarantined: 0,
    sourcesRead: 0,
    uncompressedBytes: previous?.uncompressed_bytes ?? 0,
    compressedBytes: previous?.compressed_bytes ?? 0,
    rawDeleted: disposed.deleted,
    rawTagged: disposed.tagged,
  };
}
