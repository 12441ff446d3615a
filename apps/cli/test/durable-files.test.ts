import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { readRecords } from '@github-webhooks/archive';
import { formatRecordLine, receivedAtOf } from '@github-webhooks/events';
import { DiskArchive, LOCAL_RAW_FILE, type RawFileChange } from '../src/local/disk-archive';
import { GroupCommitFile } from '../src/local/group-commit-file';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gw-cli-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const line = (id: string, at: string) =>
  formatRecordLine(
    { deliveryId: id, event: 'push', receivedAt: new Date(at), public: false },
    { payloadText: '{"n":1}' },
  );

describe('GroupCommitFile', () => {
  it('has every resolved append on disk, in order, concurrent appends included', async () => {
    const file = await GroupCommitFile.open(join(dir, 'log'));
    await Promise.all(Array.from({ length: 200 }, (_, i) => file.append(`${i}\n`)));
    const text = await readFile(join(dir, 'log'), 'utf8');
    expect(text.split('\n').slice(0, -1)).toEqual(Array.from({ length: 200 }, (_, i) => String(i)));
    expect(file.committedBytes).toBe(Buffer.byteLength(text));
    await file.close();
    await expect(file.append('late\n')).rejects.toThrow('closed');
  });

  it('appends to what is already there', async () => {
    await writeFile(join(dir, 'log'), 'old\n');
    const file = await GroupCommitFile.open(join(dir, 'log'));
    expect(file.committedBytes).toBe(4);
    await file.append('new\n');
    await file.close();
    expect(await readFile(join(dir, 'log'), 'utf8')).toBe('old\nnew\n');
  });
});

describe('GroupCommitFile on a failing disk', () => {
  it('rejects the appends of a failed batch and refuses further appends it cannot make safe', async () => {
    // /dev/full fails every write with ENOSPC, as a full disk does.
    const file = await GroupCommitFile.open('/dev/full');
    await expect(file.append('lost\n')).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(file.committedBytes).toBe(0);
    expect(file.isBroken).toBe(true);
    await expect(file.append('next\n')).rejects.toThrow('unusable');
    await file.close();
  });
});

describe('DiskArchive', () => {
  it('writes records under raw/ by the hour of their oldest record, readable by the core reader', async () => {
    const archive = new DiskArchive(dir);
    await archive.append(line('a', '2026-11-28T14:59:59.999Z'));
    await archive.append(line('b', '2026-11-28T15:00:00.000Z'));
    await archive.append(line('c', '2026-11-28T15:30:00.000Z'));
    await archive.close();
    const h14 = await readdir(join(dir, 'raw/2026/11/28/14'));
    const h15 = await readdir(join(dir, 'raw/2026/11/28/15'));
    expect(h14).toHaveLength(1);
    expect(h15).toHaveLength(1);
    const ids: string[] = [];
    for (const name of [...h14.map((n) => `14/${n}`), ...h15.map((n) => `15/${n}`)]) {
      const bytes = await readFile(join(dir, 'raw/2026/11/28', name));
      for await (const item of readRecords(Readable.from([bytes])))
        if (item.kind === 'record') ids.push(item.record.delivery_id);
    }
    expect(ids).toEqual(['a', 'b', 'c']);
  });

  it('starts a new file past the size limit', async () => {
    const archive = new DiskArchive(dir, { maxFileBytes: 100 });
    for (const id of ['a', 'b', 'c']) await archive.append(line(id, '2026-11-28T15:00:00.000Z'));
    await archive.close();
    expect(await readdir(join(dir, 'raw/2026/11/28/15'))).toHaveLength(3);
  });

  it('tells listeners of each file opened, each batch on disk and each file closed', async () => {
    const archive = new DiskArchive(dir);
    const changes: RawFileChange[] = [];
    archive.onChange((change) => changes.push(change));
    const first = line('a', '2026-11-28T15:00:00.000Z');
    await archive.append(first);
    await archive.sealHoursBefore(new Date('2026-11-28T16:00:00.000Z'));
    const [opened, committed, closed] = changes;
    expect(changes).toHaveLength(3);
    expect(opened).toMatchObject({ committedBytes: 0, closed: false });
    expect(opened?.key).toMatch(LOCAL_RAW_FILE);
    expect(committed).toMatchObject({
      key: opened?.key,
      committedBytes: Buffer.byteLength(first),
      closed: false,
    });
    expect(closed).toMatchObject({
      key: opened?.key,
      committedBytes: Buffer.byteLength(first),
      closed: true,
    });
    expect(await readFile(committed?.path ?? '', 'utf8')).toBe(first);
  });

  it('refuses lines without newline or received_at, and aborted calls', async () => {
    const archive = new DiskArchive(dir);
    await expect(archive.append('{}')).rejects.toThrow(TypeError);
    await expect(archive.append('{}\n')).rejects.toThrow('received_at');
    await expect(
      archive.append(line('a', '2026-11-28T15:00:00.000Z'), { signal: AbortSignal.abort() }),
    ).rejects.toThrow();
    expect(() => receivedAtOf('{"received_at":"nope"}')).toThrow(TypeError);
  });
});
