import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMPACTOR_LEASE_KEY, compactPending, withCompactorLease } from '@github-webhooks/archive-compactor';
import {
  addHours,
  classify,
  createPrivacyPolicy,
  formatRecordLine,
  hourStart,
} from '@github-webhooks/events';
import {
  brokerAddress,
  exampleOf,
  signedRequest,
  TcpProxy,
  TEST_SECRET,
  TestBroker,
  urlVia,
  waitFor,
} from '@github-webhooks/fixtures';
import { FsObjectStore } from '@github-webhooks/object-store';
import { JsonLogger } from '@github-webhooks/runtime';
import { parseCommandArgs } from '../src/command';
import { createCompactCommand } from '../src/commands/compact';
import { ArchiveBusyError } from '../src/errors';
import { CompactionTimer } from '../src/serve/compaction-timer';
import { readServeConfig } from '../src/serve/serve-config';
import { type RunningStack, startStack } from '../src/serve/start-stack';

/**
 * `github-webhooks compact` run on serve's live archive while the broker is away, with its clock
 * set past the end of the hour (the hour closed, its public record still waiting for the relay):
 * what the relay has not read must stay, and reach Pulse once the broker is back.
 */
const policy = createPrivacyPolicy();
const publicPush = exampleOf('push', (e) => classify(e.event, e.payload, policy).public);

let dir: string;
let broker: TestBroker;
let proxy: TcpProxy;
let exchange: string;
let queue: string;
const logs: string[] = [];
const stacks: RunningStack[] = [];

async function serve(): Promise<RunningStack> {
  const config = readServeConfig(
    {
      'dashboard-port': 'off',
      port: '0',
      host: '127.0.0.1',
      archive: dir,
      'amqp-url': urlVia(proxy),
      exchange,
      'exchange-dotted': 'off',
      'compact-every': '0',
      'unhealthy-after': '1',
    },
    { WEBHOOK_SECRETS: TEST_SECRET },
  );
  const stack = await startStack(
    config,
    new JsonLogger('compact-beside-serve', { out: { write: (line: string) => logs.push(line) } }),
    { maxRetryMs: 300 },
  );
  stacks.push(stack);
  return stack;
}

async function post(stack: RunningStack, payload = publicPush.payload): Promise<string> {
  const request = signedRequest({ event: 'push', payload });
  const response = await fetch(`${stack.url}/webhook`, {
    method: 'POST',
    headers: request.headers,
    body: request.body,
  });
  expect(response.status).toBe(202);
  return request.id;
}

/** What the commands printed (console.log, one report each). */
const printed: string[] = [];

/** `github-webhooks compact <args>` with the compactor's clock at `now`: its exit code and report. */
async function compact(
  now: Date,
  args: string[],
): Promise<{ code: number; report: Record<string, unknown> }> {
  const command = createCompactCommand({ clock: () => now });
  const { values } = parseCommandArgs(command, ['--archive', dir, '--json', ...args]);
  const code = await command.run(values, {});
  return { code, report: JSON.parse(printed.at(-1) ?? 'null') as Record<string, unknown> };
}

const rawFiles = async () =>
  (await readdir(join(dir, 'raw'), { recursive: true }).catch(() => []))
    .map(String)
    .filter((f) => f.endsWith('.ndjson'));
const publishedIds = async () => (await broker.drain(queue)).map((m) => String(m.properties.messageId));
const retrying = (stack: RunningStack) => (stack.health().relay as { retrying?: boolean }).retrying === true;
const lossLogs = () =>
  logs.filter((l) => l.includes('raw file gone before the relay read it')).map((l) => JSON.parse(l));
const publicRecord = (id: string, at: string) =>
  formatRecordLine(
    {
      deliveryId: id,
      event: 'push',
      receivedAt: new Date(at),
      public: true,
      privacy: 'allowlisted',
      repository: 'o/r',
    },
    { payloadText: JSON.stringify({ id }) },
  );
const relayHealth = async (stack: RunningStack) => {
  const response = await fetch(`${stack.url}/healthz`);
  return {
    status: response.status,
    body: (await response.json()) as {
      ok: boolean;
      relay: Record<string, unknown>;
      broker: Record<string, unknown>;
    },
  };
};

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gw-compact-serve-'));
  logs.length = 0;
  printed.length = 0;
  jest.spyOn(console, 'log').mockImplementation((line) => void printed.push(String(line)));
  broker = await TestBroker.open();
  exchange = await broker.exchange('compact-beside-serve');
  queue = await broker.queue([{ exchange, pattern: '#' }]);
  proxy = await TcpProxy.start(brokerAddress());
  // The broker is away from the start: nothing the relay reads can be confirmed.
  await proxy.refuse();
});

afterEach(async () => {
  jest.restoreAllMocks();
  await Promise.all(stacks.splice(0).map((s) => s.close().catch(() => undefined)));
  await proxy.close();
  await broker.close();
  await rm(dir, { recursive: true, force: true });
});

describe('github-webhooks compact on the archive serve is writing', () => {
  it('keeps the raw files the relay has not read, with their hour closed: after a restart and the broker back, Pulse gets every record', async () => {
    let stack = await serve();
    const ids: string[] = [];
    for (let n = 0; n < 5; n++) ids.push(await post(stack));
    await waitFor('the relay retrying', () => retrying(stack));
    const [file] = await rawFiles();
    expect(file).toBeDefined();

    // The records' hour ended a minute ago by the command's clock: closed with --lateness 30.
    const oneMinuteIn = new Date(addHours(hourStart(new Date()), 1).getTime() + 61_000);
    const first = await compact(oneMinuteIn, ['--all', '--lateness', '30']);
    expect(first.code).toBe(0);
    expect(first.report).toMatchObject({ hoursCompacted: 1, rawDeleted: 0 });
    expect(await rawFiles()).toEqual([file]);

    // A restart with the broker still away, then the broker back: every record reaches Pulse.
    await stack.close();
    stacks.splice(0);
    stack = await serve();
    await waitFor('the relay retrying again', () => retrying(stack));
    await proxy.accept();
    const seen = new Set<string>();
    await waitFor('the records on Pulse', async () => {
      for (const id of await publishedIds()) seen.add(id);
      return ids.every((id) => seen.has(id));
    });
    // The queue holds a record before its confirm reaches the relay, whose pass then clears the
    // outage's error: so waited for (a relay that stays in error times this out), not read at once.
    await waitFor(
      'the relay clear of its outage',
      async () => (await relayHealth(stack)).body.relay.last_error === undefined,
    );
    expect(lossLogs()).toEqual([]);

    // Read to its end now (cursor: done): the same command removes it, as serve's own compactor would.
    await waitFor('the relay done with the file', async () => {
      const cursor = await readFile(join(dir, 'relay', 'cursor.json'), 'utf8').catch(() => '{}');
      const files = (JSON.parse(cursor) as { files?: Record<string, { done?: boolean }> }).files;
      return files?.[`raw/${file}`]?.done === true;
    });
    expect((await compact(oneMinuteIn, ['--all', '--lateness', '30'])).report).toMatchObject({
      rawDeleted: 1,
    });
    expect(await rawFiles()).toEqual([]);
  });

  it('a relay whose raw file was removed under it says so once, turns unhealthy, and goes on with the next files', async () => {
    // Left by an earlier run: a closed hour's file with a public record the relay has not read,
    // and a cursor naming a file read up to byte 120 that is gone already.
    const earlier = 'raw/2026/11/28/10/local-20261128T100000000Z-1-0.ndjson';
    const goneBefore = 'raw/2026/11/28/09/local-20261128T090000000Z-1-0.ndjson';
    await mkdir(join(dir, 'raw/2026/11/28/10'), { recursive: true });
    await writeFile(join(dir, earlier), publicRecord('waiting', '2026-11-28T10:00:00.000Z'));
    await mkdir(join(dir, 'relay'));
    await writeFile(
      join(dir, 'relay', 'cursor.json'),
      JSON.stringify({ version: 1, files: { [goneBefore]: { offset: 120, done: false } } }),
    );
    const stack = await serve();
    await waitFor('the relay retrying', () => retrying(stack));
    // What the command did before it asked the relay: compact the closed hour, delete its raw file.
    const report = await compactPending({
      store: new FsObjectStore(dir),
      now: new Date(),
      latenessMs: 30_000,
      bufferMs: 0,
    });
    expect(report).toMatchObject({ rawDeleted: 1 });

    await waitFor('the loss reported', () => lossLogs().length === 2);
    expect(lossLogs()).toEqual([
      expect.objectContaining({ level: 'ERROR', key: goneBefore, from_offset: 120 }),
      expect.objectContaining({
        level: 'ERROR',
        key: earlier,
        from_offset: 0,
        to_offset: expect.any(Number),
      }),
    ]);
    await proxy.accept();
    // Not spinning on the missing file: a new delivery (a new file) reaches Pulse.
    const next = await post(stack);
    await waitFor('the next record on Pulse', async () => (await publishedIds()).includes(next) || false);
    // Unhealthy at once, with the broker back: the loss needs a person.
    const { status, body } = await relayHealth(stack);
    expect(status).toBe(503);
    expect(body).toMatchObject({
      ok: false,
      problems: expect.arrayContaining([
        `relay lost ${goneBefore} from byte 120`,
        `relay lost ${earlier} from byte 0`,
      ]),
      broker: { connected: true },
    });
    expect(body.relay.last_error).toBe(
      `${goneBefore} is gone: its bytes 120 to its end were never relayed to the broker (and 1 more files)`,
    );
    expect(lossLogs()).toHaveLength(2);
    expect(logs.filter((l) => l.includes('ENOENT'))).toEqual([]);
  });
});

describe('one compactor per archive', () => {
  const H10 = new Date('2026-11-28T10:00:00.000Z');
  const record = (id: string, minute: number) =>
    formatRecordLine(
      {
        deliveryId: id,
        event: 'watch',
        receivedAt: new Date(H10.getTime() + minute * 60_000),
        public: false,
      },
      { payloadText: JSON.stringify({ action: 'started' }) },
    );

  async function closedHourOfRawFiles(): Promise<void> {
    // Firehose-style objects (not the relay's): nothing holds them back but the lease.
    await mkdir(join(dir, 'raw/2026/11/28/10'), { recursive: true });
    for (let n = 0; n < 4; n++)
      await writeFile(join(dir, 'raw/2026/11/28/10', `firehose-${n}.ndjson`), record(`d${n}`, n));
  }

  it('lets one of two compact commands started together run; the other exits saying who holds the archive', async () => {
    await closedHourOfRawFiles();
    const now = new Date(H10.getTime() + 3 * 3_600_000);
    const runs = await Promise.allSettled([compact(now, ['--all']), compact(now, ['--all'])]);
    const ran = runs.filter((r) => r.status === 'fulfilled');
    const refused = runs.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
    expect(ran).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toBeInstanceOf(ArchiveBusyError);
    expect(refused[0]?.message).toMatch(
      new RegExp(
        `^another compaction of this archive is running \\(github-webhooks compact, pid ${process.pid} on .+, since .+\\); nothing was done`,
      ),
    );
    expect(ran[0]?.status === 'fulfilled' && ran[0].value.report).toMatchObject({
      hoursCompacted: 1,
      rawDeleted: 4,
    });
    expect(await new FsObjectStore(dir).head(COMPACTOR_LEASE_KEY)).toBeUndefined();
  });

  it("skips serve's timer while the command holds the archive, and the command while the timer does", async () => {
    await closedHourOfRawFiles();
    const store = new FsObjectStore(dir);
    const warnings: string[] = [];
    const timer = new CompactionTimer({
      store,
      intervalMs: 0,
      latenessMs: 60_000,
      logger: new JsonLogger('test', { out: { write: (line: string) => warnings.push(line) } }),
      clock: () => new Date(H10.getTime() + 3 * 3_600_000),
    });
    let release: () => void = () => undefined;
    const held = withCompactorLease(
      { store, holder: 'github-webhooks compact', local: true },
      () => new Promise<void>((resolve) => (release = resolve)),
    );
    await waitFor('the lease taken', async () => (await store.head(COMPACTOR_LEASE_KEY)) !== undefined);
    expect(await timer.runOnce()).toBeUndefined();
    expect(timer.state).toMatchObject({ hours_compacted: 0 });
    expect(timer.state).not.toHaveProperty('last_error');
    expect(warnings.some((l) => l.includes('compaction skipped: another compactor holds the archive'))).toBe(
      true,
    );
    expect(await rawFiles()).toHaveLength(4);
    release();
    await held;
    // The other way round: the command while serve's timer holds the archive.
    let releaseTimer: () => void = () => undefined;
    const timerRun = withCompactorLease(
      { store, holder: 'github-webhooks serve', local: true },
      () => new Promise<void>((resolve) => (releaseTimer = resolve)),
    );
    await waitFor('the lease taken', async () => (await store.head(COMPACTOR_LEASE_KEY)) !== undefined);
    await expect(compact(new Date(H10.getTime() + 3 * 3_600_000), ['--all'])).rejects.toThrow(
      /^another compaction of this archive is running \(github-webhooks serve, pid \d+/,
    );
    expect(await rawFiles()).toHaveLength(4);
    releaseTimer();
    await timerRun;
    expect(await timer.runOnce()).toMatchObject({ hoursCompacted: 1, rawDeleted: 4 });
  });
});
