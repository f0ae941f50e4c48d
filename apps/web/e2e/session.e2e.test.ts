// @vitest-environment node

import type { LatchProcess } from '@latch/testing';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createUser,
  launchBrowser,
  logIn,
  screenshot,
  startServer,
  type WatchedPage,
  watchedPage,
} from './harness';

/**
 * The web app in Chromium against real server processes and a real Redis. Timing comes from what
 * the tests control, never from how fast this machine happens to be:
 * - `server`: access tokens live 2 s (so refreshes happen) and sessions never go idle during a
 *   test, so the idle warning (which makes the page inert) cannot appear while a test clicks;
 * - `idleServer`: the warning is brought on by moving the page's clock (Playwright's clock),
 *   with a server idle timeout long enough that the real session stays alive meanwhile;
 * - `expiringServer`: a short idle timeout that really ends the session on the server; that test
 *   only waits after logging in, it never clicks through a page the warning may cover.
 */
const ACCESS_TOKEN_TTL_S = 2;
const LONG_IDLE_TIMEOUT_S = 3600;
const IDLE_TIMEOUT_S = 600;
const SHORT_IDLE_TIMEOUT_S = 4;

const EXPIRED = 'Your session expired, please log in again.';
const SIGNED_OUT = 'You were signed out (logged out elsewhere or revoked).';
const ABNORMAL = 'Your sign-in token was abnormal, please log in again.';

describe.concurrent('web app sessions (Chromium, real server and Redis)', () => {
  let server: LatchProcess;
  let idleServer: LatchProcess;
  let expiringServer: LatchProcess;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const pages: WatchedPage[] = [];

  beforeAll(async () => {
    [server, idleServer, expiringServer, browser] = await Promise.all([
      startServer('sessions', {
        ACCESS_TOKEN_TTL: String(ACCESS_TOKEN_TTL_S),
        SESSION_IDLE_TIMEOUT: String(LONG_IDLE_TIMEOUT_S),
      }),
      startServer('idle', { SESSION_IDLE_TIMEOUT: String(IDLE_TIMEOUT_S) }),
      startServer('expiring', { SESSION_IDLE_TIMEOUT: String(SHORT_IDLE_TIMEOUT_S) }),
      launchBrowser(),
    ]);
  });

  afterAll(async () => {
    for (const { errors } of pages) expect(errors).toEqual([]);
    await browser?.close();
    await Promise.all([server?.stop(), idleServer?.stop(), expiringServer?.stop()]);
  });

  async function open(
    options: {
      userAgent?: string;
      viewport?: { width: number; height: number };
      on?: LatchProcess;
    } = {},
  ) {
    const { on = server, ...contextOptions } = options;
    const context = await browser.newContext({
      baseURL: on.url,
      viewport: { width: 1100, height: 760 },
      ...contextOptions,
    });
    contexts.push(context);
    const watched = await watchedPage(context);
    pages.push(watched);
    return { context, ...watched };
  }

  it('logs in, shows the user, and keeps the session across a reload', async () => {
    const username = await createUser(server);
    const { page } = await open();
    await page.goto('/');
    await page.waitForURL('**/login?redirect=/');
    await page.getByRole('button', { name: 'Log in', exact: true }).waitFor();
    await screenshot(page, 'login');

    await logIn(page, username);
    await page.getByRole('heading', { name: `Signed in as ${username}` }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await page.getByTestId('idle-deadline').textContent()).toMatch(/\d{1,2}:\d\d:\d\d/);
    expect(await page.getByRole('link', { name: 'Manage sessions' }).getAttribute('href')).toBe(
      '/sessions',
    );
    await screenshot(page, 'home');

    await page.reload();
    await page.getByRole('heading', { name: `Signed in as ${username}` }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
  });

  it('renews the access token silently while navigating: no login page, typed text kept', async () => {
    const username = await createUser(server);
    const { page, paths, pagesSeen } = await open();
    await page.goto('/login');
    await logIn(page, username);
    await page.getByRole('heading', { name: `Signed in as ${username}` }).waitFor();
    // The tokens are out of the page's reach (memory and an httpOnly cookie): count refreshes.
    let refreshes = 0;
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.includes('auth.refresh')) refreshes += 1;
    });

    await page.getByLabel('Notes').fill('half-typed thought, not saved anywhere yet');
    // Let the access token expire, then navigate: the next call needs a refresh.
    await page.waitForTimeout(ACCESS_TOKEN_TTL_S * 1000 + 300);
    await page.getByRole('navigation').getByRole('link', { name: 'Sessions' }).click();
    await page.getByTestId('session-list').waitFor();
    expect(refreshes).toBe(1);

    await page.waitForTimeout(ACCESS_TOKEN_TTL_S * 1000 + 300);
    await page.getByRole('navigation').getByRole('link', { name: 'Home' }).click();
    await page.getByRole('heading', { name: `Signed in as ${username}` }).waitFor();
    expect(await page.getByLabel('Notes').inputValue()).toBe(
      'half-typed thought, not saved anywhere yet',
    );

    const seen = await paths();
    expect(seen.filter((path) => path.startsWith('/login'))).toEqual(['/login']);
    expect(seen.slice(seen.indexOf('/login') + 1)).toEqual(['/', '/sessions', '/']);
    expect(await pagesSeen()).toEqual(['login', 'home', 'sessions', 'home']);

    // Type on, then reload with the access token expired again (the last refresh was on the
    // sessions page): the page comes back signed in, the text intact.
    await page.getByLabel('Notes').pressSequentially(' more', { delay: 20 });
    await page.reload();
    await page.getByRole('heading', { name: `Signed in as ${username}` }).waitFor();
    expect(await page.getByLabel('Notes').inputValue()).toBe(
      'half-typed thought, not saved anywhere yet more',
    );
    expect(await pagesSeen()).toEqual(['home']);
  });

  it('warns before the idle timeout; Escape stays signed in', async () => {
    const username = await createUser(idleServer);
    const { page } = await open({ on: idleServer });
    await page.clock.install();
    await page.goto('/login');
    await logIn(page, username);
    await page.getByRole('heading', { name: `Signed in as ${username}` }).waitFor();
    await page.getByLabel('Notes').fill('draft');
    await page.getByLabel('Notes').focus();

    // Stop the page's clock 55 s before the deadline it shows: inside the warning (a minute before
    // a 10-minute timeout), with the countdown standing still however slow this machine is.
    const deadline = () =>
      page.getByTestId('idle-deadline').locator('time').getAttribute('datetime');
    const before = Date.parse((await deadline()) ?? '');
    expect(before).toBeGreaterThan(0);
    await page.clock.pauseAt(before - 55_000);

    const dialog = page.getByRole('alertdialog', { name: 'Are you still there?' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toMatch(/signed out in 0:55 because of inactivity/);
    // Focus moved into the dialog, on its main action.
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe(
      'Stay signed in',
    );
    await screenshot(page, 'idle-warning');

    // Time runs again (tRPC's batching waits on a timer), 55 s of it before this session would end.
    await page.clock.resume();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    // The server saw the activity: the deadline moved about a whole timeout past the warning.
    const after = Date.parse((await deadline()) ?? '');
    expect(after).toBeGreaterThan(before);
    // Focus went back where it was.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('notes');
    expect(new URL(page.url()).pathname).toBe('/');
  });

  it('letting the idle timeout run out shows the expiry message; logging in returns to the page', async () => {
    const username = await createUser(expiringServer);
    const { page } = await open({ on: expiringServer });
    await page.goto('/sessions');
    await page.waitForURL('**/login?redirect=/sessions');
    await logIn(page, username);
    // From here the test only waits: the warning may cover the page at any moment.
    const notice = page.getByTestId('login-notice');
    await notice.waitFor({ timeout: 60_000 });
    expect(await notice.textContent()).toContain(EXPIRED);
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe(
      '/login?redirect=/sessions',
    );
    await screenshot(page, 'login-expired');

    await logIn(page, username);
    await page.waitForURL('**/sessions');
    await page.getByTestId('session-list').waitFor();
  });

  it('a logout in one tab takes the other tab to the login page', async () => {
    const username = await createUser(server);
    const first = await open();
    await first.page.goto('/login');
    await logIn(first.page, username);
    await first.page.getByRole('heading', { name: `Signed in as ${username}` }).waitFor();

    const second = await watchedPage(first.context);
    pages.push(second);
    await second.page.goto('/sessions');
    await second.page.getByTestId('session-list').waitFor();

    await first.page.getByRole('button', { name: 'Log out', exact: true }).click();
    await first.page.waitForURL('**/login');
    expect(await first.page.getByTestId('login-notice').textContent()).toContain(
      'You have logged out.',
    );
    await second.page.waitForURL('**/login?redirect=/sessions');
    expect(await second.page.getByTestId('login-notice').textContent()).toContain(
      'You logged out in another tab or window.',
    );
  });

  it('revoking a session on the sessions page logs that browser out on its next action', async () => {
    const username = await createUser(server);
    const laptop = await open();
    const phone = await open({
      userAgent: 'Mozilla/5.0 (Android 14; Mobile; rv:128.0) Gecko/128.0 Firefox/128.0',
      viewport: { width: 390, height: 760 },
    });
    // The phone last, so its session is the fresher one when it acts after the revoke.
    for (const { page } of [laptop, phone]) {
      await page.goto('/login');
      await logIn(page, username);
      await page.getByRole('heading', { name: `Signed in as ${username}` }).waitFor();
    }
    await screenshot(phone.page, 'home-mobile');

    await laptop.page.getByRole('link', { name: 'Manage sessions' }).click();
    const rows = laptop.page.getByTestId('session-list').getByRole('listitem');
    await rows.nth(1).waitFor();
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).textContent()).toContain('This device');
    expect(await rows.nth(1).textContent()).toContain('Firefox on Android');
    expect(await rows.nth(0).getByRole('button', { name: 'Revoke' }).count()).toBe(0);
    await screenshot(laptop.page, 'sessions');

    // Each Revoke says its device, and asks first.
    await rows.nth(1).getByRole('button', { name: 'Revoke Firefox on Android' }).click();
    const confirmation = laptop.page.getByRole('dialog', { name: 'Revoke Firefox on Android?' });
    await confirmation.getByRole('button', { name: 'Revoke session' }).click();
    await laptop.page.getByText('Signed out Firefox on Android.').waitFor();
    await laptop.page.waitForFunction(
      () => document.querySelectorAll('[data-testid="session-list"] li').length === 1,
    );

    // The phone finds out on its next action.
    await phone.page.getByRole('navigation').getByRole('link', { name: 'Sessions' }).click();
    await phone.page.waitForURL('**/login?redirect=/sessions');
    expect(await phone.page.getByTestId('login-notice').textContent()).toContain(SIGNED_OUT);
    await screenshot(phone.page, 'login-revoked-mobile');

    // Log out everywhere ends the laptop's own session too.
    await laptop.page.getByRole('button', { name: 'Log out everywhere' }).click();
    await laptop.page
      .getByRole('dialog', { name: 'Log out everywhere?' })
      .getByRole('button', { name: 'Log out everywhere' })
      .click();
    await laptop.page.waitForURL('**/login');
    expect(await laptop.page.getByTestId('login-notice').textContent()).toContain(
      'You logged out everywhere (1 session ended).',
    );
  });

  it('a tampered token ends the session with the "token abnormal" message', async ({ expect }) => {
    const username = await createUser(server);
    const { page, context } = await open();
    await page.goto('/login');
    await logIn(page, username);
    await page.getByRole('heading', { name: `Signed in as ${username}` }).waitFor();

    // The access token lives in the page's memory only: tamper with it on its way out instead.
    await page.route(
      (url) => url.pathname.includes('auth.sessions'),
      (route) => {
        const headers = route.request().headers();
        const [header, payload, signature = ''] = (headers.authorization ?? '').split('.');
        const flipped = (signature.startsWith('A') ? 'B' : 'A') + signature.slice(1);
        return route.continue({
          headers: { ...headers, authorization: [header, payload, flipped].join('.') },
        });
      },
    );
    await page.getByRole('navigation').getByRole('link', { name: 'Sessions' }).click();
    await page.waitForURL('**/login?redirect=/sessions');
    const notice = page.getByTestId('login-notice');
    await notice.waitFor();
    expect(await notice.textContent()).toContain(ABNORMAL);
    // The server's session is ended too (its cookie spent), so a reload does not take it up again.
    await expect.poll(() => context.cookies(), { timeout: 10_000 }).toEqual([]);
    await page.reload();
    await page.getByRole('button', { name: 'Log in', exact: true }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/login');
  });

  it('sends a logged-in user away from /login, and only to paths of this site', async () => {
    const username = await createUser(server);
    const { page } = await open();
    await page.goto('/login?redirect=//evil.example/steal');
    await logIn(page, username);
    await page.waitForURL(`${server.url}/`);
    await page.goto('/login?redirect=/sessions');
    await page.waitForURL('**/sessions');
    await page.goto('/login?redirect=https://evil.example');
    await page.waitForURL(`${server.url}/`);
    await page.getByRole('heading', { name: `Signed in as ${username}` }).waitFor();
  });
});
