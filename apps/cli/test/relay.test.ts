import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatRecordLine, isMarkedPrivate } from '@github-webhooks/events';
import { waitFor } from '@github-webhooks/fixtures';
import type { Outcome, QueueMessage } from '@github-webhooks/pulse-republisher';
import { silentLogger } from '@github-webhooks/runtime';
import { DiskArchive } from '../src/local/disk-archive';
import { ArchiveRelay, type ArchiveRelayOptions } from '../src/relay/archive-relay';
import { RawLog } from '../src/relay/raw-log';
import { relayLag } from '../src/relay/relay-lag';

let dir: string;
const running: ArchiveRelay[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gw-relay-'));
});
afterEach(async () => {
  // A failed test must not leave its relay looping.
  await Promise.all(running.splice(0).map((relay) => relay.stop()));
  await rm(dir, { recursive: true, force: true });
});

const until = (check: () => boolean) => waitFor('the relay', check, 5_000);

const record = (id: string, isPublic = true, at = '2026-11-28T15:00:00.000Z') =>
  formatRecordLine(
    {
      deliveryId: id,
      event: 'push',
      receivedAt: new Date(at),
      public: isPublic,
      privacy: isPublic ? 'allowlisted' : 'private_repository',
      repository: 'o/r',
    },
    { payloadText: `{"id":${JSON.stringify(id)}}` },
  );
const idOf = (body: string | Buffer) => (JSON.parse(String(body)) as { delivery_id: string }).delivery_id;
const published = (m: QueueMessage): Outcome => ({
  messageId: m.messageId,
  status: 'published',
  deliveryId: idOf(m.body),
  event: 'push',
  routingKeys: [],
});
const failed = (m: QueueMessage, reason: 'bad_message' | 'publish_failed', outage = true): Outcome => ({
  messageId: m.messageId,
  status: 'failed',
  reason,
  brokerUnavailable: outage,
});

type Republish = ArchiveRelayOptions['republish'];

async function relayOver(
  archive: DiskArchive,
  republish: Republish,
  extra: Partial<ArchiveRelayOptions> = {},
) {
  const deadLetters: string[] = [];
  const relay = await ArchiveRelay.open({
    root: dir,
    archive,
    republish,
    deadLetter: async (line) => void deadLetters.push(line),
    logger: silentLogger,
    minRetryMs: 5,
    maxRetryMs: 10,
    ...extra,
  });
  running.push(relay);
  relay.start();
  return { relay, deadLetters };
}

describe('ArchiveRelay', () => {
  it('publishes the public records of the archive in order, passes private ones, dead-letters the unpublishable', async () => {
    const archive = new DiskArchive(dir);
    const sent: string[] = [];
    let brokerUp = false;
    const { relay, deadLetters } = await relayOver(archive, async (messages) =>
      messages.map((m) => {
        if (idOf(m.body) === 'poison') return failed(m, 'bad_message');
        if (!brokerUp) return failed(m, 'publish_failed');
        sent.push(idOf(m.body));
        return published(m);
      }),
    );
    for (const [id, isPublic] of [
      ['poison', true],
      ['a', true],
      ['secret', false],
      ['b', true],
    ] as const) {
      await archive.append(record(id, isPublic));
      if (isPublic) relay.noteAccepted();
    }
    await until(() => relay.state.retrying);
    expect(relay.state).toMatchObject({ pending: 2, deadLettered: 1, lastError: 'publish_failed' });
    expect(relay.state.lagSeconds).toBeGreaterThan(0);
    expect(relay.state.backlogBytes).toBeGreaterThan(0);
    expect(JSON.parse(deadLetters[0] ?? '')).toMatchObject({ reason: 'bad_message' });
    brokerUp = true;
    await until(() => relay.state.pending === 0);
    expect(sent).toEqual(['a', 'b']);
    await archive.append(record('c'));
    relay.noteAccepted();
    await until(() => sent.length === 3);
    // Read to its end first, caught up once the batch is settled and the cursor saved (an fsync later).
    await until(() => relay.state.backlogBytes === 0 && relay.state.lagSeconds === 0);
    expect(relay.state).toMatchObject({ published: 3, retrying: false });
    await relay.stop();
    await archive.close();
  });

  it('resumes from its cursor after a restart: what was confirmed is not sent again, the rest is', async () => {
    const archive = new DiskArchive(dir);
    let up = true;
    const sent: string[] = [];
    const republish: Republish = async (messages) =>
      messages.map((m) => {
        if (!up) return failed(m, 'publish_failed');
        sent.push(idOf(m.body));
        return published(m);
      });
    const first = await relayOver(archive, republish);
    await archive.append(record('a'));
    await until(() => sent.length === 1);
    up = false;
    await archive.append(record('b'));
    await until(() => first.relay.state.retrying);
    await first.relay.stop();
    await archive.close();
    // What `stats` reports from the cursor and the files: b is waiting, since its arrival.
    const lag = await relayLag(dir, new Date('2026-11-28T15:00:10.000Z'));
    expect(lag).toEqual({ records: 1, seconds: 10, bytes: Buffer.byteLength(record('b')) });
    up = true;
    const again = new DiskArchive(dir);
    const second = await relayOver(again, republish);
    await until(() => sent.length === 2);
    expect(sent).toEqual(['a', 'b']);
    await second.relay.stop();
    expect(await relayLag(dir, new Date())).toEqual({ records: 0, seconds: 0, bytes: 0 });
    const cursor = JSON.parse(await readFile(join(dir, 'relay', 'cursor.json'), 'utf8'));
    expect(Object.values(cursor.files)).toEqual([{ offset: expect.any(Number), done: true }]);
  });

  it('dead-letters the first waiting record after its tries with the broker reachable, never during an outage', async () => {
    const archive = new DiskArchive(dir);
    let outage = true;
    const tries: string[] = [];
    const { relay, deadLetters } = await relayOver(
      archive,
      async (messages) =>
        messages.map((m): Outcome => {
          if (outage) return failed(m, 'publish_failed');
          tries.push(idOf(m.body));
          return idOf(m.body) === 'refused' ? failed(m, 'publish_failed', false) : published(m);
        }),
      { maxAttempts: 3, maxRetryMs: 5 },
    );
    await archive.append(record('refused'));
    await archive.append(record('fine'));
    await until(() => relay.state.retrying);
    await new Promise((r) => setTimeout(r, 100));
    expect(deadLetters).toEqual([]);
    expect(relay.state.attempts).toBe(0);
    outage = false;
    await until(() => relay.state.published === 1);
    expect(tries.filter((t) => t === 'refused')).toHaveLength(3);
    expect(deadLetters.map((l) => JSON.parse(l).reason)).toEqual([
      'publish_failed 3 times with the broker reachable',
    ]);
    expect(relay.state).toMatchObject({ deadLettered: 1, stuckSince: undefined });
    await relay.stop();
    await archive.close();
  });

  it.each(['ENOSPC', 'EMFILE'])(
    'logs and retries its own I/O errors (%s), never dying of them',
    async (code) => {
      const archive = new DiskArchive(dir);
      const failing = Object.assign(new Error(`${code}: simulated`), { code });
      let republishFailures = 2;
      let deadLetterFailures = 1;
      const deadLetters: string[] = [];
      const errors: unknown[] = [];
      const relay = await ArchiveRelay.open({
        root: dir,
        archive,
        republish: async (messages) => {
          if (republishFailures-- > 0) throw failing;
          return messages.map((m) => failed(m, 'bad_message'));
        },
        deadLetter: async (line) => {
          if (deadLetterFailures-- > 0) throw failing;
          deadLetters.push(line);
        },
        logger: { ...silentLogger, error: (_m, fields) => void errors.push(fields?.error) },
        minRetryMs: 5,
        maxRetryMs: 5,
      });
      running.push(relay);
      relay.start();
      await archive.append(record('poison'));
      await until(() => deadLetters.length === 1 && relay.state.backlogBytes === 0);
      expect(errors.filter((e) => JSON.stringify(e ?? null).includes(code)).length).toBeGreaterThanOrEqual(3);
      expect(relay.state).toMatchObject({ deadLettered: 1 });
      await relay.stop();
      await archive.close();
    },
  );

  it('passes over the private records this process wrote without reading them back', async () => {
    const archive = new DiskArchive(dir);
    const sent: string[] = [];
    const { relay } = await relayOver(archive, async (messages) =>
      messages.map((m) => {
        sent.push(idOf(m.body));
        return published(m);
      }),
    );
    const opens = jest.spyOn(RawLog.prototype, 'read');
    for (let i = 0; i < 20; i++) await archive.append(record(`private-${i}`, false));
    await until(() => relay.state.backlogBytes === 0);
    expect(opens).not.toHaveBeenCalled();
    await archive.append(record('public'));
    await until(() => sent.length === 1);
    expect(opens).toHaveBeenCalledTimes(1);
    opens.mockRestore();
    await relay.stop();
    await archive.close();
  });

  it('lets the compactor delete a file only once it is closed and read to its end', async () => {
    const archive = new DiskArchive(dir);
    let up = false;
    const { relay } = await relayOver(archive, async (messages) =>
      messages.map((m) => (up ? published(m) : failed(m, 'publish_failed'))),
    );
    const keys: string[] = [];
    archive.onChange((change) => keys.push(change.key));
    await archive.append(record('a'));
    const key = keys[0] ?? '';
    expect(relay.hasPassed(key)).toBe(false);
    await archive.sealHoursBefore(new Date('2026-11-28T16:00:00.000Z'));
    await new Promise((r) => setTimeout(r, 50));
    expect(relay.hasPassed(key)).toBe(false);
    up = true;
    await until(() => relay.hasPassed(key));
    expect(relay.hasPassed('hourly/2026/11/28/15.ndjson.gz')).toBe(true);
    await relay.stop();
    await archive.close();
  });

  it('skips a torn last line left by a crash in an earlier run', async () => {
    const hour = join(dir, 'raw/2026/11/28/15');
    await mkdir(hour, { recursive: true });
    await writeFile(join(hour, 'local-20261128T150000000Z-1-0.ndjson'), `${record('raw')}{"delivery_id":"to`);
    const archive = new DiskArchive(dir);
    const sent: string[] = [];
    const { relay } = await relayOver(archive, async (messages) =>
      messages.map((m) => {
        sent.push(idOf(m.body));
        return published(m);
      }),
    );
    await until(() => relay.state.backlogBytes === 0 && sent.length === 1);
    expect(sent).toEqual(['raw']);
    expect(relay.hasPassed('raw/2026/11/28/15/local-20261128T150000000Z-1-0.ndjson')).toBe(true);
    await relay.stop();
    await archive.close();
  });
});

describe('isMarkedPrivate', () => {
  it.each([
    [record('a', false), true],
    [record('a', true), false],
    ['', true],
    [record('a', true).replace('{"id":"a"}', '{"public":false}'), false],
    ['{"delivery_id":"x","public":false,"payload_ref":{}}', true],
    ['{"delivery_id":"x","public": false}', false],
  ])('%s → %s', (line, expected) => {
    expect(isMarkedPrivate(line.trimEnd())).toBe(expected);
  });
});
