// @vitest-environment node

import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LatchProcess } from '@latch/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, launchBrowser, logIn, startServer, watchedPage } from './harness';

/**
 * The web app on the cookie transport (its default) in Chromium: the refresh token in an httpOnly
 * cookie, the access token in memory, nothing for a page script to steal. Access tokens live 3 s
 * so refreshes happen; sessions never go idle during a test.
 */
const ACCESS_TOKEN_TTL_S = 3;
const JWT = /eyJ[\w-]+\.[\w-]+\.[\w-]+/;

describe.concurrent('web app cookie sessions (Chromium, real server and Redis)', () => {
  let server: LatchProcess;
  let browser: Browser;
  let hostile: Server;
  let hostileOrigin: string;

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startServer('cookie', {
        ACCESS_TOKEN_TTL: String(ACCESS_TOKEN_TTL_S),
        SESSION_IDLE_TIMEOUT: '3600',
      }),
      launchBrowser(),
    ]);
    hostile = await serveHostilePage(server.url);
    // Another site: `localhost` and `127.0.0.1` share no registrable domain.
    hostileOrigin = `http://localhost:${(hostile.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await browser?.close();
    hostile?.closeAllConnections();
    hostile?.close();
    await server?.stop();
  });

  async function signedInContext() {
    const username = await createUser(server, 'cookie');
    const context = await browser.newContext({ baseURL: server.url });
    const watched = await watchedPage(context);
    await watched.page.goto('/login');
    await logIn(watched.page, username);
    await watched.page.getByRole('heading', { name: `Signed in as ${username}` }).waitFor();
    return { username, context, ...watched };
  }

  /** Requests for `procedure` made by any page of `context` from now on. */
  function countRequests(context: BrowserContext, procedure: string) {
    let count = 0;
    context.on('request', (request) => {
      if (new URL(request.url()).pathname.includes(procedure)) count += 1;
    });
    return () => count;
  }

  it('after a UI login no script can read a token; the cookie is httpOnly, Strict, /trpc; a reload keeps the session with no login flash', async () => {
    const username = await createUser(server, 'cookie');
    const context = await browser.newContext({ baseURL: server.url });
    const { page, pagesSeen, errors } = await watchedPage(context);
    await page.goto('/login');
    const loginAnswer = page.waitForResponse((r) => r.url().includes('auth.login'));
    await logIn(page, username);
    const answer = await (await loginAnswer).json();
    await page.getByRole('heading', { name: `Signed in as ${username}` }).waitFor();
    expect(answer.result.data).not.toHaveProperty('refreshToken');

    const [cookie, ...others] = await context.cookies();
    expect(others).toEqual([]);
    expect(cookie).toMatchObject({
      name: 'latch-refresh',
      path: '/trpc',
      httpOnly: true,
      sameSite: 'Strict',
      secure: false,
    });
    // Expires with the refresh token, not with the browser session.
    expect(cookie?.expires).toBeGreaterThan(Date.now() / 1000 + 3600);

    const readable = await page.evaluate(() => ({
      local: JSON.stringify({ ...localStorage }),
      session: JSON.stringify({ ...sessionStorage }),
      cookie: document.cookie,
    }));
    for (const value of Object.values(readable)) {
      expect(value).not.toMatch(JWT);
      expect(value).not.toContain(cookie?.value ?? '∅');
      expect(value).not.toMatch(/refresh|accessToken/i);
    }
    expect(readable.cookie).toBe('');

    await page.reload();
    await page.getByRole('heading', { name: `Signed in as ${username}` }).waitFor();
    expect(await pagesSeen()).toEqual(['home']);
    expect(new URL(page.url()).pathname).toBe('/');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('two tabs with an expired access token acting at once make exactly one refresh, and tell each other only the access token', async () => {
    const { username, context, page: tabA } = await signedInContext();
    const tabB = (await watchedPage(context)).page;
    await tabB.goto('/');
    await tabB.getByRole('heading', { name: `Signed in as ${username}` }).waitFor();
    await tabB.evaluate(() => {
      const seen: unknown[] = [];
      (window as unknown as { tabMessages: unknown[] }).tabMessages = seen;
      new BroadcastChannel('latch:latch.cookie-session').onmessage = (event) =>
        seen.push(event.data);
    });

    const refreshes = countRequests(context, 'auth.refresh');
    // Both tabs now hold the same access token; let it expire, then act in both at once.
    await tabA.waitForTimeout(ACCESS_TOKEN_TTL_S * 1000 + 300);
    const toSessions = (tab: Page) =>
      tab.getByRole('navigation').getByRole('link', { name: 'Sessions' }).click();
    await Promise.all([toSessions(tabA), toSessions(tabB)]);
    await Promise.all([tabA, tabB].map((tab) => tab.getByTestId('session-list').waitFor()));
    expect(refreshes()).toBe(1);

    const messages = await tabB.evaluate(
      () => (window as unknown as { tabMessages: unknown[] }).tabMessages,
    );
    expect(messages).toContainEqual(
      expect.objectContaining({ type: 'updated', session: expect.any(Object) }),
    );
    const cookieValue = (await context.cookies())[0]?.value ?? '∅';
    expect(JSON.stringify(messages)).not.toContain('"refreshToken"');
    expect(JSON.stringify(messages)).not.toContain(cookieValue);
    await context.close();
  });

  it('a page from another site that posts forms and fetches at the API reads nothing and leaves the user signed in', async () => {
    const { username, context, page } = await signedInContext();
    const before = (await context.cookies())[0]?.value;
    expect(before).toBeDefined();

    const attacker = await context.newPage();
    await attacker.goto(`${hostileOrigin}/`);
    const results = await attacker.evaluate(() =>
      (window as unknown as { attack: () => Promise<Record<string, string>> }).attack(),
    );
    // Every fetch either failed (CORS) or was opaque: no status, no body.
    for (const [what, outcome] of Object.entries(results)) {
      expect(outcome, what).toMatch(/^(blocked|opaque)$/);
    }
    expect(results['cors fetch with the opt-in header']).toBe('blocked');

    // Nothing rotated, nothing revoked: the same cookie, and the user carries on.
    expect((await context.cookies())[0]?.value).toBe(before);
    await page.reload();
    await page.getByRole('heading', { name: `Signed in as ${username}` }).waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'Sessions' }).click();
    await page.getByTestId('session-list').waitFor();
    await context.close();
  });

  it('logout in one tab ends the other, removes the cookie, and the old cookie value is refused', async () => {
    const { username, context, page } = await signedInContext();
    const other = (await watchedPage(context)).page;
    await other.goto('/sessions');
    await other.getByTestId('session-list').waitFor();
    const spent = (await context.cookies())[0]?.value ?? '';
    expect(spent).not.toBe('');

    await page.getByRole('button', { name: 'Log out', exact: true }).click();
    await page.waitForURL('**/login');
    await other.waitForURL('**/login?redirect=/sessions');
    expect(await context.cookies()).toEqual([]);

    const replay = await fetch(`${server.trpcUrl}/auth.refresh`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-latch-transport': 'cookie',
        cookie: `latch-refresh=${spent}`,
      },
      body: '{}',
    });
    expect(replay.status).toBe(401);
    const body = (await replay.json()) as { error: { data: { authCode: string } } };
    expect(body.error.data.authCode).toBe('SESSION_REVOKED');

    await other.reload();
    await other.getByRole('button', { name: 'Log in', exact: true }).waitFor();
    expect(username).toBeTruthy();
    await context.close();
  });
});

/**
 * The attacker's page, on another site. It tries what a page can do without the user's help:
 * form posts (text/plain and urlencoded, into a hidden frame) and `no-cors` fetches to refresh
 * and logout, and a CORS fetch that asks for the cookie transport. It reports what it could read.
 */
async function serveHostilePage(apiOrigin: string): Promise<Server> {
  const script = `
    const api = ${JSON.stringify(apiOrigin)} + '/trpc';
    function post(path, enctype) {
      return new Promise((resolve) => {
        const frame = document.createElement('iframe');
        frame.name = 'f' + Math.random().toString(36).slice(2);
        frame.onload = () => resolve();
        document.body.append(frame);
        const form = document.createElement('form');
        form.method = 'POST';
        form.action = api + path;
        form.enctype = enctype;
        form.target = frame.name;
        const field = document.createElement('input');
        field.name = '{"refreshToken":"x","a":"';
        field.value = '"}';
        form.append(field);
        document.body.append(form);
        form.submit();
      });
    }
    async function read(promise) {
      try {
        const response = await promise;
        if (response.type === 'opaque' && response.status === 0) return 'opaque';
        return 'read ' + response.status + ' ' + (await response.text());
      } catch {
        return 'blocked';
      }
    }
    window.attack = async () => {
      await post('/auth.refresh', 'text/plain');
      await post('/auth.logout', 'text/plain');
      await post('/auth.logoutAll', 'application/x-www-form-urlencoded');
      const results = {};
      for (const path of ['/auth.refresh', '/auth.logout', '/auth.logoutAll']) {
        results['no-cors ' + path] = await read(fetch(api + path, {
          method: 'POST', mode: 'no-cors', credentials: 'include',
          headers: { 'content-type': 'text/plain' }, body: '{}',
        }));
      }
      results['cors fetch with the opt-in header'] = await read(fetch(api + '/auth.refresh', {
        method: 'POST', mode: 'cors', credentials: 'include',
        headers: { 'content-type': 'application/json', 'x-latch-transport': 'cookie' }, body: '{}',
      }));
      results['cors fetch without it'] = await read(fetch(api + '/auth.refresh', {
        method: 'POST', mode: 'cors', credentials: 'include', body: '{}',
      }));
      return results;
    };`;
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end(`<!doctype html><title>elsewhere</title><body><script>${script}</script></body>`);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}
