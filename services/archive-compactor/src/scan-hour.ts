import { createHash, type Hash } from 'node:crypto';
import { deliveryKey, hourLabel, hourStart } from '@github-webhooks/events';
import type { Context } from './context';
import { HourlyFileCorruptError } from './errors';
import { HourIndex } from './hour-index';
import { loadPayloadText } from './payloads';
import { QuarantineFile, quarantineKey } from './quarantine';
import { scanItems } from './scan-source';
import type { ReadableSource } from './source-cursor';
import type { SourceObject } from './sources';

export interface SourceScan {
  readonly object: SourceObject;
  /** Record occurrences of the hour (duplicates included, quarantined excluded). */
  records: number;
  quarantined: number;
  /** Start (ms) of every hour the object holds records of, its home hour included. */
  readonly hours: Set<number>;
  readonly readable: ReadableSource;
}

export interface HourScan {
  readonly index: HourIndex;
  readonly sources: readonly SourceScan[];
  /** SHA-256 of the existing hourly file read as a source, if any. */
  readonly hourlySha256: string | undefined;
}

/**
 * Pass 1: streams every source once and builds the hour's index. Malformed items go to
 * quarantine (in the object's home hour only, so each is quarantined once), and so do records of
 * the hour whose payload_ref cannot be resolved.
 */
export async function scanHour(
  context: Context,
  hour: Date,
  objects: readonly SourceObject[],
): Promise<HourScan> {
  const index = new HourIndex();
  const sources: SourceScan[] = [];
  let hourlySha256: string | undefined;
  // Two sources at a time: one's gunzip (threadpool) overlaps the other's parsing (main thread).
  let next = 0;
  const worker = async () => {
    for (let position = next++; position < objects.length; position = next++) {
      const object = objects[position] as SourceObject;
      const hash = object.kind === 'hourly' ? createHash('sha256') : undefined;
      sources[position] = await scanSource(context, hour, object, position, index, hash);
      if (hash !== undefined) hourlySha256 = hash.digest('hex');
    }
  };
  await Promise.all([worker(), worker()]);
  return { index, sources, hourlySha256 };
}

async function scanSource(
  context: Context,
  hour: Date,
  object: SourceObject,
  position: number,
  index: HourIndex,
  hash: Hash | undefined,
): Promise<SourceScan> {
  const label = hourLabel(hour);
  const irregular = new Set<number>();
  const readOptions = { fallbackReceivedAt: object.lastModified };
  const source: SourceScan = {
    object,
    records: 0,
    quarantined: 0,
    hours: new Set([object.home.getTime()]),
    readable: { key: object.key, open: () => context.store.read(object.key), readOptions, irregular },
  };
  const quarantine = new QuarantineFile(context.store, quarantineKey(hour, object.key));
  const onRawChunk = hash && ((chunk: Uint8Array) => hash.update(chunk));
  const isHome = object.home.getTime() === hour.getTime();
  try {
    const open = () => context.store.read(object.key);
    for await (const { item, ordinal } of scanItems(open, readOptions, irregular, onRawChunk)) {
      if (item.kind === 'malformed') {
        if (object.kind === 'hourly') {
          throw new HourlyFileCorruptError(`${object.key} has an unreadable line: ${item.reason}`);
        }
        if (isHome)
          await quarantine.add({ source: object.key, hour: label, reason: item.reason, text: item.text });
        continue;
      }
      const { record, line } = item;
      const time = Date.parse(record.received_at);
      const recordHour = hourStart(new Date(time)).getTime();
      source.hours.add(recordHour);
      if (recordHour !== hour.getTime()) continue;
      if (record.payload_ref !== undefined) {
        try {
          await loadPayloadText(context.store, record.payload_ref);
        } catch (error) {
          if ((error as { name?: unknown }).name !== 'UnresolvablePayloadError') throw error;
          await quarantine.add({
            source: object.key,
            hour: label,
            reason: (error as Error).message,
            text: line,
          });
          continue;
        }
      }
      source.records++;
      const isRef = record.payload_ref !== undefined;
      index.add(deliveryKey(record, line), time, position, ordinal, Buffer.byteLength(line), isRef);
    }
    await quarantine.close();
  } catch (error) {
    await quarantine.abort(error);
    throw error;
  }
  source.quarantined = quarantine.count;
  if (quarantine.count > 0) {
    context.logger.warn('quarantined unusable lines', {
      hour: label,
      source: object.key,
      quarantined: quarantine.count,
      quarantine_key: quarantine.key,
    });
  }
  context.progress({
    type: 'source-scanned',
    hour: label,
    key: object.key,
    records: source.records,
    quarantined: source.quarantined,
  });
  return source;
}
