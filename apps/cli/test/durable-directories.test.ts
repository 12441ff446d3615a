import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { formatRecordLine } from '@github-webhooks/events';
import { type ArchiveFileSystem, nodeArchiveFileSystem } from '../src/local/archive-file-system';
import { DiskArchive } from '../src/local/disk-archive';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gw-durable-dirs-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const line = (id: string, at: string) =>
  formatRecordLine(
    { deliveryId: id, event: 'push', receivedAt: new Date(at), public: false },
    { payloadText: '{"n":1}' },
  );

/** The real file system, noting each directory fsynced (relative to the archive; `.` is its root). */
function watchedFileSystem(): { fs: ArchiveFileSystem; synced: string[] } {
  const synced: string[] = [];
  return {
    synced,
    fs: {
      ...nodeArchiveFileSystem,
      syncDirectory: async (path) => {
        await nodeArchiveFileSystem.syncDirectory(path);
        synced.push(relative(dir, path) || '.');
      },
    },
  };
}

describe('DiskArchive: the directories of a new file are durable before the append resolves', () => {
  it('fsyncs raw/, the year, month, day and hour for the first write into a new year', async () => {
    const { fs, synced } = watchedFileSystem();
    const archive = new DiskArchive(dir, { fs });
    await archive.append(line('last-of-2026', '2026-12-31T23:59:59.000Z'));
    synced.length = 0;
    await archive.append(line('first-of-2027', '2027-01-01T00:00:00.500Z'));
    // Each new directory's entry is in its parent; the new file's entry is in the hour.
    expect(synced).toEqual(['raw', 'raw/2027', 'raw/2027/01', 'raw/2027/01/01', 'raw/2027/01/01/00']);
    await archive.close();
  });

  it("fsyncs only the day and the new hour for a write into an existing day's new hour", async () => {
    const { fs, synced } = watchedFileSystem();
    const archive = new DiskArchive(dir, { fs });
    await archive.append(line('a', '2026-11-28T14:30:00.000Z'));
    synced.length = 0;
    await archive.append(line('b', '2026-11-28T15:00:00.100Z'));
    expect(synced).toEqual(['raw/2026/11/28', 'raw/2026/11/28/15']);
    await archive.close();
  });

  it('fsyncs the archive root too when raw/ itself is new, and only the hour for a new file in it', async () => {
    const { fs, synced } = watchedFileSystem();
    const archive = new DiskArchive(dir, { fs, maxFileBytes: 1 });
    await archive.append(line('first', '2026-11-28T15:00:00.000Z'));
    expect(synced).toEqual(['.', 'raw', 'raw/2026', 'raw/2026/11', 'raw/2026/11/28', 'raw/2026/11/28/15']);
    synced.length = 0;
    // Past the size limit: a second file in the same hour, whose directories all exist.
    await archive.append(line('second', '2026-11-28T15:00:01.000Z'));
    expect(synced).toEqual(['raw/2026/11/28/15']);
    await archive.close();
  });
});
