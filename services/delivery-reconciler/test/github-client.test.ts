import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  checkResponse,
  exampleOf,
  freePort,
  GitHubStandIn,
  TEST_SECRET,
  testAppKeys,
} from '@github-webhooks/fixtures';
import { createDeliveryLog, DeliveryLogError, parseHook, scanHook } from '../src';

// The endpoint GitHub delivers to: answers each POST with the status of the moment.
let endpoint: Server;
let answer = 202;
let endpointUrl: string;
beforeAll(async () => {
  endpoint = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(answer).end());
  });
  await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
  endpointUrl = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/webhook`;
});
afterAll(async () => {
  endpoint.closeAllConnections();
  await new Promise((resolve) => endpoint.close(resolve));
});

const push = exampleOf('push');
const TOKEN = 'ghp_stand-in-token';

describe('the octokit delivery log, against the GitHub stand-in', () => {
  it('pages the log newest first through the Link cursor and redelivers with the same GUID', async () => {
    const github = await GitHubStandIn.start({ token: TOKEN });
    const hook = github.addHook('orgs/acme/hooks/7', { url: endpointUrl, secret: TEST_SECRET });
    answer = 503;
    const first = await hook.deliver('push', push.payload, 'guid-first');
    answer = 202;
    for (let i = 0; i < 104; i++) await hook.deliver('push', push.payload, `guid-${i}`);
    const log = createDeliveryLog({ baseUrl: github.url, credentials: { kind: 'token', token: TOKEN } });
    const ref = parseHook('orgs/acme/hooks/7');
    const scan = await scanHook(log, ref, { since: new Date(Date.now() - 3_600_000), reserve: 0 });
    expect(scan).toMatchObject({ complete: true, calls: 2 });
    expect(scan.attempts).toHaveLength(105);
    expect(scan.attempts.at(-1)).toMatchObject({
      id: first.id,
      guid: 'guid-first',
      status_code: 503,
      redelivery: false,
    });
    expect(scan.budget).toEqual({ remaining: 4998, limit: 5000 });
    await log.redeliver(ref, first.id);
    await github.settled();
    expect(hook.attempts.at(-1)).toMatchObject({ guid: 'guid-first', redelivery: true, status_code: 202 });
    await github.close();
  });

  it('authenticates as a GitHub App: an installation token for org hooks, the App JWT for its own hook', async () => {
    const keys = testAppKeys();
    const github = await GitHubStandIn.start({ app: { id: '31337', publicKey: keys.publicKey } });
    await github
      .addHook('orgs/acme/hooks/7', { url: endpointUrl, secret: TEST_SECRET })
      .deliver('push', push.payload, 'o-1');
    await github
      .addHook('app', { url: endpointUrl, secret: TEST_SECRET })
      .deliver('push', push.payload, 'a-1');
    const log = createDeliveryLog({
      baseUrl: github.url,
      credentials: { kind: 'app', appId: '31337', privateKey: keys.privateKey },
    });
    expect((await log.page(parseHook('orgs/acme/hooks/7'), undefined)).attempts.map((a) => a.guid)).toEqual([
      'o-1',
    ]);
    expect((await log.page(parseHook('app'), undefined)).attempts.map((a) => a.guid)).toEqual(['a-1']);
    expect(github.calls).toEqual([
      'GET /orgs/acme/installation',
      'POST /app/installations/7000000/access_tokens',
      'GET /orgs/acme/hooks/7/deliveries',
      'GET /app/hook/deliveries',
    ]);
    await github.close();
  });

  it('works against a GitHub Enterprise Server base URL (/api/v3)', async () => {
    const github = await GitHubStandIn.start({ token: TOKEN, pathPrefix: '/api/v3' });
    await github
      .addHook('repos/acme/widgets/hooks/9', { url: endpointUrl, secret: TEST_SECRET })
      .deliver('push', push.payload, 'r-1');
    const log = createDeliveryLog({ baseUrl: github.url, credentials: { kind: 'token', token: TOKEN } });
    expect(github.url).toMatch(/\/api\/v3$/);
    expect((await log.page(parseHook('repos/acme/widgets/hooks/9'), undefined)).attempts).toHaveLength(1);
    await github.close();
  });

  it.each([
    ['bad credentials', 401, /GitHub answered 401: Bad credentials/],
    ['a hook it may not see', 404, /GitHub answered 404/],
  ])('fails with a one-line DeliveryLogError on %s', async (_case, status, message) => {
    const github = await GitHubStandIn.start({ token: TOKEN });
    github.addHook('orgs/acme/hooks/7', { url: endpointUrl, secret: TEST_SECRET });
    const token = status === 401 ? 'ghp_wrong' : TOKEN;
    const hook = status === 404 ? 'orgs/other/hooks/1' : 'orgs/acme/hooks/7';
    const log = createDeliveryLog({ baseUrl: github.url, credentials: { kind: 'token', token } });
    const error = await log.page(parseHook(hook), undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryLogError);
    expect(error).toMatchObject({ status, message: expect.stringMatching(message) });
    await github.close();
  });

  it('says the API is unreachable when nothing answers', async () => {
    const port = await freePort();
    const log = createDeliveryLog({
      baseUrl: `http://127.0.0.1:${port}`,
      credentials: { kind: 'token', token: TOKEN },
      retries: 0,
    });
    const error = await log.page(parseHook('orgs/acme/hooks/7'), undefined).catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'DeliveryLogError',
      status: undefined,
      message: expect.stringContaining('unreachable'),
    });
  });
});

describe("the stand-in's OpenAPI check", () => {
  it('refuses what GitHub would never send, and takes what it does', () => {
    const item = {
      id: 1,
      guid: 'g',
      delivered_at: '2026-12-01T12:00:00Z',
      redelivery: false,
      duration: 0.1,
      status: 'OK',
      status_code: 200,
      event: 'push',
      action: null,
      installation_id: null,
      repository_id: 1,
    };
    expect(() => checkResponse('deliveries', [item])).not.toThrow();
    expect(() => checkResponse('deliveries', [{ ...item, status_code: '200' }])).toThrow(
      /status_code must be integer/,
    );
    const { guid: _guid, ...withoutGuid } = item;
    expect(() => checkResponse('deliveries', [withoutGuid])).toThrow(/guid/);
  });
});
