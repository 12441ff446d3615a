import { appendFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { readRecords } from '@github-webhooks/archive';
import { formatRecordLine } from '@github-webhooks/events';
import { DiskArchive, receivedAtOf } from '../src/local/disk-archive';
import { GroupCommitFile } from '../src/local/group-commit-file';
import { Outbox } from '../src/local/outbox';

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

describe('Outbox', () => {
  it('hands back what was appended, in order, until acknowledged', async () => {
    const outbox = await Outbox.open(dir);
    for (let i = 0; i < 5; i++) await outbox.append(`m${i}`);
    expect(outbox.pending).toBe(5);
    const first = await outbox.peek(3);
    expect(first.map((e) => e.body)).toEqual(['m0', 'm1', 'm2']);
    expect((await outbox.peek(3)).map((e) => e.body)).toEqual(['m0', 'm1', 'm2']);
    await outbox.acknowledge(first);
    expect(outbox.pending).toBe(2);
    expect((await outbox.peek(10)).map((e) => e.body)).toEqual(['m3', 'm4']);
    await outbox.close();
  });

  it('survives a restart: unacknowledged messages come back, acknowledged ones do not', async () => {
    const outbox = await Outbox.open(dir);
    for (let i = 0; i < 4; i++) await outbox.append(`m${i}`);
    await outbox.acknowledge(await outbox.peek(1));
    await outbox.close();
    const reopened = await Outbox.open(dir);
    expect(reopened.pending).toBe(3);
    expect((await reopened.peek(10)).map((e) => e.body)).toEqual(['m1', 'm2', 'm3']);
    await reopened.close();
  });

  it('rolls segments and deletes the ones fully acknowledged', async () => {
    const outbox = await Outbox.open(dir, { maxSegmentBytes: 10 });
    for (let i = 0; i < 6; i++) await outbox.append(`message-${i}`);
    expect((await readdir(dir)).filter((n) => n.endsWith('.ndjson')).length).toBeGreaterThan(2);
    const all = await outbox.peek(100);
    expect(all.map((e) => e.body)).toEqual(Array.from({ length: 6 }, (_, i) => `message-${i}`));
    await outbox.acknowledge(all);
    expect(outbox.pending).toBe(0);
    expect((await readdir(dir)).filter((n) => n.endsWith('.ndjson'))).toHaveLength(1);
    await outbox.append('after');
    expect((await outbox.peek(5)).map((e) => e.body)).toEqual(['after']);
    await outbox.close();
  });

  it('keeps no finished segment on disk while the relay keeps up', async () => {
    const outbox = await Outbox.open(dir, { maxSegmentBytes: 20 });
    for (let i = 0; i < 10; i++) {
      await outbox.append(`message-${i}`);
      await outbox.acknowledge(await outbox.peek(10));
    }
    expect((await readdir(dir)).filter((n) => n.endsWith('.ndjson')).length).toBeLessThanOrEqual(2);
    await outbox.close();
  });

  it('sends everything again after a torn cursor, rather than refusing to start', async () => {
    const outbox = await Outbox.open(dir);
    for (const body of ['a', 'b']) await outbox.append(body);
    await outbox.acknowledge(await outbox.peek(1));
    await outbox.close();
    await writeFile(join(dir, 'cursor.json'), '{"segm');
    const reopened = await Outbox.open(dir);
    expect((await reopened.peek(10)).map((e) => e.body)).toEqual(['a', 'b']);
    await reopened.close();
  });

  it('never appends after a torn line left by a crash, and skips it', async () => {
    const outbox = await Outbox.open(dir);
    await outbox.append('whole');
    await outbox.close();
    await appendFile(join(dir, '000000000000.ndjson'), '{"torn');
    const reopened = await Outbox.open(dir);
    await reopened.append('next');
    expect((await reopened.peek(10)).map((e) => e.body)).toEqual(['whole', 'next']);
    await reopened.close();
  });

  it('tells listeners about appends and refuses multi-line messages', async () => {
    const outbox = await Outbox.open(dir);
    let calls = 0;
    const off = outbox.onAppend(() => calls++);
    await outbox.append('a');
    off();
    await outbox.append('b');
    expect(calls).toBe(1);
    await expect(outbox.append('a\nb')).rejects.toThrow(TypeError);
    await outbox.close();
  });
});
