import { parseRecord } from '@github-webhooks/events';
import type { Context } from './context';
import { SourceChangedError } from './errors';
import type { BufferPool } from './gzip-file';
import type { HourIndex } from './hour-index';
import type { MergePlan } from './merge-plan';
import { inlinePayloadLine, loadPayloadText } from './payloads';
import { type ReadableSource, SourceCursor, Stash } from './source-cursor';

const NEWLINE = Buffer.from('\n');

/**
 * Pass 2: the hour's NDJSON in output order, as batches of whole lines (pool buffers, one gzip
 * member each). Plain lines are copied
 * byte for byte from the sources (never parsed or re-serialized); only records with a
 * payload_ref are rewritten, with the payload inline. Memory: the open cursors' buffers, the
 * stash, one batch.
 */
export async function* emitLines(
  context: Context,
  sources: readonly ReadableSource[],
  index: HourIndex,
  plan: MergePlan,
  pool: BufferPool,
): AsyncGenerator<Buffer> {
  const stash = new Stash();
  const cursors = plan.cursors.map(
    (c) => new SourceCursor(sources[c.source] as ReadableSource, c.deliveries, c.stashes, stash),
  );
  let clock = 0;
  const pull = async (cursor: SourceCursor, ordinal: number) => {
    if (!cursor.isOpen) await closeLeastRecentlyUsed(cursors, context.maxOpenSources - 1);
    cursor.lastUsed = ++clock;
    return cursor.take(ordinal);
  };
  let batch = pool.take();
  let size = 0;
  try {
    for (const entry of plan.order) {
      const c = plan.cursorOf[entry] as number;
      const cursor = cursors[c];
      let line =
        cursor === undefined ? stash.take(entry) : await pull(cursor, index.ordinal[entry] as number);
      const bytes = typeof line === 'string' ? Buffer.byteLength(line) : line.length;
      if (bytes !== index.bytes[entry]) {
        throw new SourceChangedError(`${sources[index.source[entry] as number]?.key}: a line changed length`);
      }
      if (index.isRef[entry]) line = await inline(context, line);
      const length = typeof line === 'string' ? Buffer.byteLength(line) : line.length;
      if (size > 0 && size + length + 1 > batch.length) {
        yield batch.subarray(0, size);
        batch = pool.take();
        size = 0;
      }
      if (length + 1 > batch.length) {
        // A line longer than a batch (a payload of many MiB) is a batch of its own.
        yield Buffer.concat([typeof line === 'string' ? Buffer.from(line) : line, NEWLINE]);
        continue;
      }
      size += typeof line === 'string' ? batch.write(line, size) : line.copy(batch, size);
      batch[size++] = 0x0a;
    }
    if (size > 0) yield batch.subarray(0, size);
    else pool.release(batch);
  } finally {
    for (const cursor of cursors) await cursor.close().catch(() => undefined);
  }
}

async function inline(context: Context, line: Buffer | string): Promise<string> {
  const record = parseRecord(JSON.parse(line.toString()));
  if (record.payload_ref === undefined)
    throw new SourceChangedError(`${record.delivery_id} lost its payload_ref`);
  return inlinePayloadLine(record, await loadPayloadText(context.store, record.payload_ref));
}

async function closeLeastRecentlyUsed(cursors: readonly SourceCursor[], keepOpen: number): Promise<void> {
  const open = cursors.filter((c) => c.isOpen);
  if (open.length <= keepOpen) return;
  open.sort((a, b) => a.lastUsed - b.lastUsed);
  for (const cursor of open.slice(0, open.length - keepOpen)) await cursor.close();
}
