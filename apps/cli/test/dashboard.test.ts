import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exampleOf, removeExchanges, signedRequest, TEST_SECRET } from '@github-webhooks/fixtures';
import { JsonLogger } from '@github-webhooks/runtime';
import { type Browser, chromium, type Page } from 'playwright-core';
import { main } from '../src/main';
import { readServeConfig } from '../src/serve/serve-config';
import { type RunningStack, startStack } from '../src/serve/start-stack';
import { raw } from './support/raw-http';

const EXCHANGE = `test/dashboard-${process.pid}/v1`;

// Debian's chromium (setup installs it), driven by playwright-core: a real browser, no download.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TOKEN = 'a-dashboard-token-for-tests';
const REPORTS = join(__dirname, '..', 'reports');
let dir: string;
let stack: RunningStack;
let browser: Browser;
const quiet = new JsonLogger('dashboard-test', { out: { write: () => undefined } });

/** `github-webhooks send` of an example, as the README's quick start does; returns its GUID. */
async function send(event: string, id: string): Promise<void> {
  const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    const code = await main(['send', '--event', event, '--id', id, '--url', `${stack.url}/webhook`], {
      WEBHOOK_SECRETS: TEST_SECRET,
    });
    expect(code).toBe(0);
  } finally {
    log.mockRestore();
  }
}

async function openPage(): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(stack.dashboardUrl ?? '');
  return page;
}

const row = (page: Page, guid: string) => page.locator(`tr[data-guid="${guid}"]`);

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: run scripts/setup.sh (it installs Debian's chromium)`);
  dir = await mkdtemp(join(tmpdir(), 'gw-dashboard-'));
  const config = readServeConfig(
    {
      port: '0',
      host: '127.0.0.1',
      archive: dir,
      'exchange-dotted': 'off',
      exchange: EXCHANGE,
      'compact-every': '0',
      'dashboard-port': '0',
      'dashboard-token': TOKEN,
    },
    { WEBHOOK_SECRETS: TEST_SECRET },
  );
  stack = await startStack(config, quiet);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await rm(dir, { recursive: true, force: true });
  await removeExchanges([EXCHANGE]);
});

describe('the local dashboard, in a real browser', () => {
  const publicId = 'dash-public-push-1';
  const privateId = 'dash-private-member-1';

  it('shows a public and a private delivery within 2 s, marked, without the private payload', async () => {
    const page = await openPage();
    await send('push', publicId);
    await send('member', privateId);
    await row(page, publicId).waitFor({ timeout: 2_000 });
    await row(page, privateId).waitFor({ timeout: 2_000 });
    expect(await row(page, publicId).getAttribute('data-visibility')).toBe('public');
    expect(await row(page, privateId).getAttribute('data-visibility')).toBe('private');
    expect(await row(page, privateId).textContent()).toContain('private · never_public_event');
    // Without the session, not even its event: the event, action, repository and hook cells are empty.
    const cells = await row(page, privateId).locator('td').allTextContents();
    expect(cells.slice(3, 7)).toEqual(['', '', '', '']);
    expect(await row(page, publicId).locator('td').nth(3).textContent()).toBe('push');

    // The private delivery's payload and headers are not in the page, even after clicking it.
    await row(page, privateId).click();
    await page.locator('#detail-payload').filter({ hasText: 'enter the token' }).waitFor({ timeout: 2_000 });
    expect(await page.content()).not.toContain('"member": {'); // the payload's key, as the detail pane would print it
    expect(await page.locator('#detail-headers').textContent()).toBe(
      'private delivery: enter the token to see its headers',
    );

    // The public one's payload is shown.
    await row(page, publicId).click();
    await page.locator('#detail-payload').filter({ hasText: '"ref"' }).waitFor({ timeout: 2_000 });
    // The archive's chart is counted again every 10 s while a page is open.
    await page.locator('#hours .bar').first().waitFor({ timeout: 15_000 });
    await mkdir(REPORTS, { recursive: true });
    await page.screenshot({ path: join(REPORTS, 'dashboard.png'), fullPage: true });
    await page.close();
  }, 30_000);

  it('keeps the token in an HttpOnly, SameSite=Strict cookie, never in a URL, and then shows private payloads', async () => {
    const page = await openPage();
    await page.locator('#login input[name=token]').fill(TOKEN);
    await page.locator('#login button').click();
    await page.waitForURL(stack.dashboardUrl ?? '');
    expect(page.url()).not.toContain(TOKEN);
    const cookies = await page.context().cookies();
    expect(cookies).toEqual([
      expect.objectContaining({ name: 'gw_dashboard', httpOnly: true, sameSite: 'Strict' }),
    ]);
    expect(cookies[0]?.value).not.toContain(TOKEN);
    await row(page, privateId).click();
    await page.locator('#detail-payload').filter({ hasText: '"member": {' }).waitFor({ timeout: 2_000 });
    await page.close();
  }, 30_000);

  it('refuses a wrong token and shows rejected requests by reason', async () => {
    const page = await openPage();
    await page.locator('#login input[name=token]').fill('not-the-token-at-all');
    await page.locator('#login button').click();
    await page.waitForURL(/login=failed/);
    expect(await page.context().cookies()).toEqual([]);
    const refused = await fetch(`${stack.url}/webhook`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'push',
        'x-github-delivery': 'dash-bad-1',
        'x-hub-signature-256': `sha256=${'0'.repeat(64)}`,
      },
      body: '{}',
    });
    expect(refused.status).toBe(401);
    await page.locator('#rejected').filter({ hasText: 'invalid_signature' }).waitFor({ timeout: 3_000 });
    expect(await row(page, 'dash-bad-1').getAttribute('data-visibility')).toBe('rejected');
    await page.close();
  }, 30_000);

  it('counts and lists drift (an issues action no description has, from a public repository) without its repository', async () => {
    const page = await openPage();
    const issue = exampleOf(
      'issues',
      (e) =>
        e.payload.action === 'opened' && (e.payload.repository as { private?: unknown }).private === false,
    );
    const repository = (issue.payload.repository as { full_name: string }).full_name;
    const frobbed = { ...issue.payload, action: 'frobbed' };
    const request = signedRequest({ event: 'issues', payload: frobbed, id: 'dash-drift-1' });
    const answer = await fetch(`${stack.url}/webhook`, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
    });
    expect([answer.status, ((await answer.json()) as { public: boolean }).public]).toEqual([202, false]);

    const health = (await (await fetch(`${stack.url}/healthz`)).json()) as Record<string, unknown>;
    expect(health.privacy_drift).toEqual({
      shape_mismatch: 0,
      unknown_action: 1,
      private_repository_referenced: 0,
    });
    const state = (await (await fetch(`${stack.dashboardUrl}state`)).json()) as { drifts: unknown };
    expect(state.drifts).toEqual([
      {
        at: expect.any(String),
        event: 'issues',
        action: 'frobbed',
        reason: 'unknown_action',
        field: 'frobbed',
      },
    ]);

    const listed = page.locator('#drift-recent tr[data-reason="unknown_action"]');
    await listed.waitFor({ timeout: 3_000 });
    expect(await listed.textContent()).toContain('frobbed');
    await page.locator('#drift-counts').filter({ hasText: 'unknown_action1' }).waitFor({ timeout: 3_000 });
    expect(await page.locator('#drift').textContent()).not.toContain(repository);
    await page.close();
  }, 30_000);

  it('shows a private repository’s name only to the session, and a signature to no one', async () => {
    const push = exampleOf('push', (e) => (e.payload.repository as { private?: unknown }).private === false);
    const secretName = 'acme-corp/secret-roadmap-7f3a';
    const payload = {
      ...push.payload,
      repository: {
        ...(push.payload.repository as object),
        private: true,
        visibility: 'private',
        name: 'secret-roadmap-7f3a',
        full_name: secretName,
      },
    };
    const request = signedRequest({ event: 'push', payload, id: 'dash-private-repo-1' });
    const signature = (request.headers['X-Hub-Signature-256'] ?? '').replace('sha256=', '');
    expect(signature).toMatch(/^[0-9a-f]{64}$/);
    const answer = await fetch(`${stack.url}/webhook`, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
    });
    expect([answer.status, ((await answer.json()) as { public: boolean }).public]).toEqual([202, false]);

    const page = await openPage();
    await row(page, 'dash-private-repo-1').waitFor({ timeout: 3_000 });
    expect(await row(page, 'dash-private-repo-1').textContent()).toContain('private · private_repository');
    await row(page, 'dash-private-repo-1').click();
    await page.locator('#detail-headers').filter({ hasText: 'enter the token' }).waitFor({ timeout: 2_000 });
    const before = await page.content();
    expect(before).not.toContain('secret-roadmap-7f3a');
    expect(before).not.toContain(signature);
    expect(before.toLowerCase()).not.toContain('x-hub-signature');

    await page.locator('#login input[name=token]').fill(TOKEN);
    await page.locator('#login button').click();
    await page.waitForURL(stack.dashboardUrl ?? '');
    await row(page, 'dash-private-repo-1').filter({ hasText: secretName }).waitFor({ timeout: 3_000 });
    await row(page, 'dash-private-repo-1').click();
    await page
      .locator('#detail-headers')
      .filter({ hasText: 'x-github-event: push' })
      .waitFor({ timeout: 2_000 });
    await page.locator('#detail-payload').filter({ hasText: secretName }).waitFor({ timeout: 2_000 });
    const after = await page.content();
    expect(after).toContain(secretName);
    expect(after).not.toContain(signature);
    expect(after.toLowerCase()).not.toContain('x-hub-signature');

    // Logging out ends the session: the cookie is gone, and so is the name, on the next update.
    await page.locator('#logout button').click();
    await page.waitForURL(stack.dashboardUrl ?? '');
    expect(await page.context().cookies()).toEqual([]);
    await row(page, 'dash-private-repo-1').waitFor({ timeout: 3_000 });
    await page.locator('#login').waitFor({ state: 'visible', timeout: 3_000 });
    expect(await page.content()).not.toContain('secret-roadmap-7f3a');
    await page.close();
  }, 30_000);
});

describe('the page answers only its own Host names, and logs in only from its own Origin', () => {
  const port = () => Number(new URL(stack.dashboardUrl ?? '').port);
  const forged = () => ({ host: `rebind.example:${port()}` });

  it.each([['/'], ['/state'], ['/requests/1'], ['/events'], ['/app.js']])(
    'GET %s with a foreign Host: 421, with the hardening headers, nothing listed',
    async (path) => {
      const answer = await raw(port(), { path, headers: forged() });
      expect(answer.status).toBe(421);
      expect(answer.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
      expect(answer.body).not.toContain('dash-');
    },
  );

  it('serves the event stream to its own Host, with the hardening headers', async () => {
    for (const host of [`127.0.0.1:${port()}`, `localhost:${port()}`, `[::1]:${port()}`]) {
      const answer = await raw(port(), { path: '/events', headers: { host }, firstChunkOnly: true });
      expect(answer.status).toBe(200);
      expect(answer.headers['content-type']).toBe('text/event-stream');
      expect(answer.headers['content-security-policy']).toContain("default-src 'self'");
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
      expect(answer.headers['referrer-policy']).toBe('same-origin');
      expect(answer.body.startsWith('data: {')).toBe(true);
    }
  });

  it('refuses the login from a foreign Host (421), a foreign Origin or none (403); takes it from its own', async () => {
    const post = (headers: Record<string, string>) =>
      raw(port(), {
        method: 'POST',
        path: '/login',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: `token=${TOKEN}`,
      });
    const own = `http://127.0.0.1:${port()}`;
    expect((await post({ ...forged(), origin: `http://rebind.example:${port()}` })).status).toBe(421);
    for (const origin of [`http://rebind.example:${port()}`, 'null', undefined]) {
      const answer = await post(origin === undefined ? {} : { origin });
      expect([answer.status, answer.headers['set-cookie']]).toEqual([403, undefined]);
    }
    const taken = await post({ origin: own });
    expect(taken.status).toBe(303);
    expect(String(taken.headers['set-cookie'])).toMatch(/^gw_dashboard=v1\.\d+\.[0-9a-f]{64}; HttpOnly/);
    expect((await raw(port(), { method: 'POST', path: '/logout', headers: {} })).status).toBe(403);
  });
});
