import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { formatRecordLine } from '@github-webhooks/events';
import { FsObjectStore } from '@github-webhooks/object-store';
import { JsonLogger } from '@github-webhooks/runtime';
import { DiskArchive } from '../src/local/disk-archive';
import { CompactionTimer } from '../src/serve/compaction-timer';

const H10 = new Date('2026-11-28T10:00:00.000Z');
const line = (id: string, minute: number) =>
  formatRecordLine(
    { deliveryId: id, event: 'watch', receivedAt: new Date(H10.getTime() + minute * 60_000), public: false },
    { payloadText: JSON.stringify({ action: 'started', n: id }) },
  );

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gw-local-compaction-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const rawFiles = async () =>
  (await readdir(join(dir, 'raw'), { recursive: true }))
    .filter((f) => String(f).endsWith('.ndjson'))
    .map(String);
const hourly = async (store: FsObjectStore) =>
  gunzipSync(await store.readAll('hourly/2026/11/28/10.ndjson.gz'))
    .toString()
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l).delivery_id);

describe('local compaction and the disk archive', () => {
  it('seals a closed hour before compacting it, so an append to it goes to a new file and none is unlinked', async () => {
    const archive = new DiskArchive(dir);
    const store = new FsObjectStore(dir);
    let now = new Date(H10.getTime() + 30 * 60_000);
    const timer = new CompactionTimer({
      store,
      intervalMs: 0,
      latenessMs: 60_000,
      logger: new JsonLogger('test', { out: { write: () => true } }),
      sealHoursBefore: (hour) => archive.sealHoursBefore(hour),
      disposable: (key) => !archive.isOpen(key),
      clock: () => now,
    });
    await archive.append(line('a', 1));
    const [first] = await rawFiles();
    expect(archive.isOpen(`raw/${first}`)).toBe(true);

    // The hour is not closed yet: nothing is sealed, nothing compacted.
    expect(await timer.runOnce()).toMatchObject({ hoursCompacted: 0 });
    expect(archive.isOpen(`raw/${first}`)).toBe(true);

    // Closed: its file is sealed (closed once its appends are on disk), compacted, then deleted.
    now = new Date(H10.getTime() + 62 * 60_000);
    expect(await timer.runOnce()).toMatchObject({ hoursCompacted: 1, rawDeleted: 1 });
    expect(archive.isOpen(`raw/${first}`)).toBe(false);
    expect(await rawFiles()).toEqual([]);

    // A straggler of the sealed hour (a request stamped at 10:59 that took its time) gets a file of its
    // own, merged by the next run as late data.
    await archive.append(line('late', 59));
    const [second] = await rawFiles();
    expect(second).not.toBe(first);
    expect(archive.isOpen(`raw/${second}`)).toBe(true);
    now = new Date(H10.getTime() + 70 * 60_000);
    expect(await timer.runOnce()).toMatchObject({ hoursCompacted: 1 });
    expect(await hourly(store)).toEqual(['a', 'late']);
    expect(await rawFiles()).toEqual([]);
    await archive.close();
  });

  it('never deletes a file the archive still has open, even when asked to compact its hour', async () => {
    const archive = new DiskArchive(dir);
    const store = new FsObjectStore(dir);
    const timer = new CompactionTimer({
      store,
      intervalMs: 0,
      latenessMs: 60_000,
      logger: new JsonLogger('test', { out: { write: () => true } }),
      // No sealing: the file stays open, as it would with an append still in flight.
      disposable: (key) => !archive.isOpen(key),
      clock: () => new Date(H10.getTime() + 62 * 60_000),
    });
    await archive.append(line('a', 1));
    expect(await timer.runOnce()).toMatchObject({ hoursCompacted: 1, rawDeleted: 0 });
    await archive.append(line('b', 2));
    expect(await rawFiles()).toHaveLength(1);
    await archive.close();
    // Closed now, and grown since it was compacted: merged again, then deleted.
    expect(await timer.runOnce()).toMatchObject({ rawDeleted: 1 });
    expect(await hourly(store)).toEqual(['a', 'b']);
  });
});
