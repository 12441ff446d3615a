import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { readRecords } from '@github-webhooks/archive';
import { classify, createPrivacyPolicy } from '@github-webhooks/events';
import {
  allExamples,
  freePort,
  GitHubStandIn,
  TEST_SECRET,
  TestBroker,
  waitFor,
} from '@github-webhooks/fixtures';
import { JsonLogger } from '@github-webhooks/runtime';
import { main } from '../src/main';
import { readServeConfig } from '../src/serve/serve-config';
import { type RunningStack, startStack } from '../src/serve/start-stack';
import { PulseTally } from './support/pulse-tally';

// GitHub (the stand-in) delivers through a proxy that makes serve look down, slow or failing.
type Mode = 'pass' | 'slow' | 'unavailable';
let mode: Mode = 'pass';
let proxy: Server;
let servePort: number;

function startProxy(): Promise<string> {
  proxy = createServer((req, res) => {
    if (mode === 'unavailable') {
      req.resume();
      return void res.writeHead(503).end('{"error":"downstream_failure"}');
    }
    const forward = () => {
      const upstream = request(
        { host: '127.0.0.1', port: servePort, path: req.url, method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      // serve not running: the connection GitHub opened fails, as it would to a down endpoint.
      upstream.on('error', () => req.socket.destroy());
      req.pipe(upstream);
    };
    // Slower than GitHub waits (the stand-in's timeout below), then on to serve anyway.
    if (mode === 'slow') setTimeout(forward, 1_500);
    else forward();
  });
  return new Promise((resolve) =>
    proxy.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(proxy.address() as AddressInfo).port}/webhook`),
    ),
  );
}

const GOOD = 'orgs/acme/hooks/1';
const WRONG = 'orgs/acme/hooks/2';
const TOKEN = 'ghp_reconcile-e2e';
const policy = createPrivacyPolicy();
let dir: string;
let github: GitHubStandIn;
let broker: TestBroker;
let exchange: string;
let queue: string;
let stack: RunningStack | undefined;

async function startServe(extra: Record<string, string> = {}, env: Record<string, string> = {}) {
  const config = readServeConfig(
    {
      'dashboard-port': 'off',
      port: String(servePort),
      host: '127.0.0.1',
      archive: dir,
      exchange,
      'exchange-dotted': 'off',
      'compact-every': '0',
      ...extra,
    },
    { WEBHOOK_SECRETS: TEST_SECRET, ...env },
  );
  stack = await startStack(
    config,
    new JsonLogger('reconcile-e2e', { out: { write: () => true }, minLevel: 'error' }),
  );
}

async function reconcileJson(...args: string[]) {
  const out: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((line) => void out.push(String(line)));
  const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    const code = await main(['reconcile', '--hook', GOOD, '--hook', WRONG, '--json', ...args], {
      GITHUB_API_URL: github.url,
      GITHUB_TOKEN: TOKEN,
      ARCHIVE_DIR: dir,
    });
    await github.settled();
    return { code, report: JSON.parse(out.join('\n')) };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

async function archivedIds(): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const entry of await readdir(join(dir, 'raw'), { recursive: true })) {
    if (!entry.endsWith('.ndjson')) continue;
    for await (const item of readRecords(Readable.from([await readFile(join(dir, 'raw', entry))]))) {
      if (item.kind === 'record') ids.add(item.record.delivery_id);
    }
  }
  return ids;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gw-reconcile-'));
  servePort = await freePort();
  const url = await startProxy();
  github = await GitHubStandIn.start({ token: TOKEN, deliveryTimeoutMs: 1_000 });
  github.addHook(GOOD, { url, secret: TEST_SECRET });
  github.addHook(WRONG, { url, secret: 'a-secret-serve-does-not-know' });
  broker = await TestBroker.open();
  exchange = await broker.exchange('reconcile');
  queue = await broker.queue([{ exchange, pattern: '#' }]);
});

afterAll(async () => {
  await stack?.close();
  await github.close();
  await broker.close();
  proxy.closeAllConnections();
  await new Promise((resolve) => proxy.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe('reconcile, end to end with serve and the GitHub stand-in', () => {
  const examples = allExamples().filter(
    (e) => e.event === 'push' || e.event === 'issues' || e.event === 'member',
  );
  const genuine: { guid: string; isPublic: boolean }[] = [];
  const wrong: string[] = [];
  const figures: Record<string, number> = {};

  it('redelivers what GitHub failed to deliver while serve was down, slow or failing; gives up on a wrong secret', async () => {
    const deliver = async (hook: string, i: number) => {
      const example = examples[i % examples.length];
      if (example === undefined) throw new Error('no example');
      const guid = `${hook.endsWith('/2') ? 'wrong' : 'genuine'}-${i}-${Date.now()}`;
      const attempt = await github.hook(hook).deliver(example.event, example.payload, guid);
      if (hook === GOOD)
        genuine.push({ guid, isPublic: classify(example.event, example.payload, policy).public });
      else wrong.push(guid);
      return attempt;
    };
    const failed: number[] = [];
    // serve down: nothing listens behind the proxy.
    for (let i = 0; i < 5; i++) failed.push((await deliver(GOOD, i)).status_code);
    await startServe();
    mode = 'slow';
    for (let i = 5; i < 8; i++) failed.push((await deliver(GOOD, i)).status_code);
    mode = 'unavailable';
    for (let i = 8; i < 11; i++) failed.push((await deliver(GOOD, i)).status_code);
    mode = 'pass';
    const passed: { delivered_at: string }[] = [];
    for (let i = 11; i < 15; i++) {
      const attempt = await deliver(GOOD, i);
      expect(attempt.status_code).toBe(202);
      passed.push(attempt);
    }
    for (let i = 15; i < 17; i++) expect((await deliver(WRONG, i)).status_code).toBe(401);
    expect(failed).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 503, 503, 503]);

    // The newest attempt in the log when the first run reads it (GitHub's times are whole seconds).
    const firstNewest = [...github.hook(GOOD).attempts, ...github.hook(WRONG).attempts]
      .map((a) => a.delivered_at)
      .sort()
      .at(-1);
    const first = await reconcileJson('--max-redeliveries', '1');
    expect(first.code).toBe(0);
    expect(first.report).toMatchObject({
      hooks: 2,
      attempts: 17,
      deliveries: 17,
      delivered: 4,
      redelivered: 13,
      waiting: 0,
      gave_up: 0,
      expiring: 0,
      complete: true,
    });
    expect(first.report.items).toHaveLength(13);

    const second = await reconcileJson('--max-redeliveries', '1');
    expect(second.code).toBe(0);
    // The second run is incremental: it reads the log down to the first run's newest attempt, that
    // second included, plus what the first left open (the 13 it redelivered). The four delivered at
    // once are read again only if their attempt shares that second: how many do depends on the
    // machine's speed, so the expected count is taken from their times.
    const reread = passed.filter((a) => a.delivered_at >= (firstNewest ?? '')).length;
    expect(second.report).toMatchObject({
      deliveries: 13 + reread,
      delivered: 11 + reread,
      redelivered: 0,
      gave_up: 2,
    });
    expect(
      second.report.items.map((i: { guid: string; outcome: string }) => [i.guid, i.outcome]).sort(),
    ).toEqual(wrong.map((guid) => [guid, 'gave_up']).sort());

    const archived = await archivedIds();
    expect(genuine.filter((d) => !archived.has(d.guid))).toEqual([]);
    expect(wrong.filter((guid) => archived.has(guid))).toEqual([]);
    const publicIds = genuine.filter((d) => d.isPublic).map((d) => d.guid);
    const tally = new PulseTally(broker, queue);
    await tally.waitForAll(publicIds, 15_000, 500);
    const onPulse = tally.seen;
    expect(publicIds.filter((id) => !onPulse.has(id))).toEqual([]);
    // One message per delivery: the deliveries GitHub saw fail after they were archived and
    // published (answered past its 10 s) are redelivered by the reconciler, and not published again.
    const duplicates = [...onPulse.values()].reduce((sum, n) => sum + n - 1, 0);
    expect(duplicates).toBe(0);
    expect(publicIds.length).toBeGreaterThan(0);
    Object.assign(figures, {
      duplicates_on_pulse: duplicates,
      sent: genuine.length + wrong.length,
      failed: failed.length + wrong.length,
      redelivered: first.report.redelivered,
      archived: genuine.filter((d) => archived.has(d.guid)).length,
      gaveUp: second.report.gave_up,
      apiCallsFirstRun: first.report.api_calls,
      apiCallsSecondRun: second.report.api_calls,
    });
  });

  it('costs one list call per 100 attempts, plus one per redelivery', async () => {
    const hook = github.hook(GOOD);
    const before = github.calls.length;
    for (let i = 0; i < 1000; i++)
      await hook.deliver('push', examples[0]?.payload, `bulk-${i}-${Date.now()}`);
    const run = await reconcileJson('--max-redeliveries', '1');
    expect(run.report).toMatchObject({ redelivered: 0, attempts: expect.any(Number), complete: true });
    // Incremental: the 1,000 new attempts of GOOD (10 pages, and the next that reaches the last run's
    // newest), WRONG's first page; no redelivery.
    figures.apiCallsPer1000 = github.calls.length - before;
    expect(figures.apiCallsPer1000).toBe(12);
    console.log(`reconcile figures: ${JSON.stringify(figures)}`);
  });

  it.each([
    [
      'bad credentials',
      () => ({ GITHUB_API_URL: github.url, GITHUB_TOKEN: 'ghp_wrong' }),
      /GitHub answered 401: Bad credentials/,
    ],
    [
      'an unreachable API',
      () => ({ GITHUB_API_URL: 'http://127.0.0.1:9', GITHUB_TOKEN: TOKEN }),
      /GitHub API unreachable/,
    ],
    [
      'a bad --since',
      () => ({ GITHUB_API_URL: github.url, GITHUB_TOKEN: TOKEN }),
      /--since must be a duration/,
    ],
  ])('exits non-zero with one line on %s', async (name, env, message) => {
    const errors: string[] = [];
    const error = jest.spyOn(console, 'error').mockImplementation((line) => void errors.push(String(line)));
    const args = ['reconcile', '--hook', GOOD, ...(name === 'a bad --since' ? ['--since', 'yesterday'] : [])];
    const code = await main(args, { ...env(), ARCHIVE_DIR: dir }).finally(() => error.mockRestore());
    expect(code).toBe(name === 'a bad --since' ? 2 : 1);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(message);
  });

  it('runs on a timer in serve and shows the last run in /healthz', async () => {
    await stack?.close();
    stack = undefined;
    await startServe(
      { 'reconcile-every': '1' },
      {
        RECONCILE_HOOKS: `${GOOD},${WRONG}`,
        RECONCILE_MAX_REDELIVERIES: '1',
        GITHUB_API_URL: github.url,
        GITHUB_TOKEN: TOKEN,
      },
    );
    const reconciler = () => (stack as RunningStack).health().reconciler as { last?: unknown };
    await waitFor('a reconcile run', () => reconciler().last !== undefined, 10_000);
    expect(reconciler()).toMatchObject({ enabled: true, last: { hooks: 2, gave_up: 2, redelivered: 0 } });
  });
});
