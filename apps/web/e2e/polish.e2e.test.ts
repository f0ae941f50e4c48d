// @vitest-environment node

import type { LatchProcess } from '@latch/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createUser,
  launchBrowser,
  logIn,
  PASSWORD,
  screenshot,
  startServer,
  watchedPage,
} from './harness';

const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1280, height: 800 };
const ANDROID_UA =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/AP2A.240905.003; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/129.0.6668.100 Mobile Safari/537.36';

/** WCAG contrast ratio of two `rgb(r, g, b)` colours. */
function contrast(a: string, b: string): number {
  const luminance = (color: string) => {
    const [r, g, bl] = (color.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((c) => {
      const v = Number(c) / 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (bl ?? 0);
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return ((hi ?? 0) + 0.05) / ((lo ?? 0) + 0.05);
}

/**
 * The web app's finish, in Chromium at laptop and phone sizes against a real server whose
 * sessions never go idle during a test (the idle dialog is brought on by the page's clock).
 */
describe.concurrent('web app details (Chromium, real server)', () => {
  let server: LatchProcess;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startServer('polish', { SESSION_IDLE_TIMEOUT: '3600' }),
      launchBrowser(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function signedIn(viewport = LAPTOP, userAgent?: string, { clock = false } = {}) {
    const username = await createUser(server);
    const context = await browser.newContext({
      baseURL: server.url,
      viewport,
      ...(userAgent && { userAgent }),
    });
    const watched = await watchedPage(context);
    if (clock) await watched.page.clock.install();
    await watched.page.goto('/login');
    await logIn(watched.page, username);
    await watched.page.getByRole('heading', { name: `Signed in as ${username}` }).waitFor();
    return { ...watched, context, username };
  }

  it('a disabled primary button keeps a readable label, and the notes field shows a clear focus ring', async () => {
    const context = await browser.newContext({ baseURL: server.url });
    const { page } = await watchedPage(context);
    await page.goto('/login');
    const button = page.getByRole('button', { name: 'Log in', exact: true });
    await button.evaluate((element) => element.setAttribute('disabled', ''));
    // Colours change with a short transition: read them once it has finished.
    await button.evaluate((element) =>
      Promise.all(element.getAnimations().map((animation) => animation.finished)),
    );
    const colors = await button.evaluate((element) => {
      const style = getComputedStyle(element);
      return { fg: style.color, bg: style.backgroundColor, opacity: style.opacity };
    });
    expect(colors.opacity).toBe('1');
    expect(contrast(colors.fg, colors.bg)).toBeGreaterThanOrEqual(4.5);
    await context.close();

    const { page: home, context: homeContext } = await signedIn();
    await home.getByLabel('Notes').focus();
    await home
      .getByLabel('Notes')
      .evaluate((element) =>
        Promise.all(element.getAnimations().map((animation) => animation.finished)),
      );
    const ring = await home.getByLabel('Notes').evaluate((element) => {
      const style = getComputedStyle(element);
      return { width: style.outlineWidth, style: style.outlineStyle, color: style.outlineColor };
    });
    expect(ring.style).toBe('solid');
    expect(Number.parseFloat(ring.width)).toBeGreaterThanOrEqual(2);
    expect(contrast(ring.color, 'rgb(255, 255, 255)')).toBeGreaterThanOrEqual(3);
    await homeContext.close();
  });

  it('one time format on every page; a long user agent wraps between words where it can', async () => {
    const { page, context } = await signedIn(PHONE, ANDROID_UA);
    const format = /^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d\d:\d\d (AM|PM)$/;
    for (const testId of ['signed-in-at', 'idle-deadline', 'absolute-deadline']) {
      const text = (await page.getByTestId(testId).locator('time').textContent())?.trim();
      expect(text, testId).toMatch(format);
    }
    await page.getByRole('navigation').getByRole('link', { name: 'Sessions' }).click();
    const created = page.getByTestId('session-list').locator('time').first();
    expect((await created.textContent())?.trim()).toMatch(format);

    const ua = page.locator('.session-ua').first();
    const wrapping = await ua.evaluate((element) => {
      const style = getComputedStyle(element);
      return { wordBreak: style.wordBreak, overflowWrap: style.overflowWrap };
    });
    expect(wrapping).toEqual({ wordBreak: 'normal', overflowWrap: 'anywhere' });
    // A word such as "(KHTML," stays on one line: its first and last letters share a line.
    const sameLine = await ua.evaluate((element) => {
      const text = element.firstChild as Text;
      const start = (element.textContent ?? '').indexOf('(KHTML,');
      const rect = (from: number) => {
        const range = document.createRange();
        range.setStart(text, from);
        range.setEnd(text, from + 1);
        return range.getBoundingClientRect().top;
      };
      return rect(start) === rect(start + 6);
    });
    expect(sameLine).toBe(true);
    await screenshot(page, 'sessions-mobile');
    await context.close();
  });

  it('the idle dialog shows its countdown once, with even buttons on a phone', async () => {
    const username = await createUser(server);
    const context = await browser.newContext({ baseURL: server.url, viewport: PHONE });
    const { page } = await watchedPage(context);
    await page.clock.install();
    await page.goto('/login');
    await logIn(page, username);
    await page.getByRole('heading', { name: `Signed in as ${username}` }).waitFor();
    const deadline = await page
      .getByTestId('idle-deadline')
      .locator('time')
      .getAttribute('datetime');
    await page.clock.pauseAt(Date.parse(deadline ?? '') - 30_000);
    const dialog = page.getByRole('alertdialog');
    await dialog.waitFor();
    // Screen readers hear the time in the sentence; the eye sees it once, big.
    expect(await dialog.textContent()).toContain('signed out in 0:30 because of inactivity');
    const shown = await dialog.evaluate(
      (element) =>
        [...element.querySelectorAll('*')].filter(
          (node) =>
            node.children.length === 0 &&
            /\d:\d\d/.test(node.textContent ?? '') &&
            getComputedStyle(node).position !== 'absolute',
        ).length,
    );
    expect(shown).toBe(1);
    const widths = await dialog
      .getByRole('button')
      .evaluateAll((buttons) => buttons.map((b) => Math.round(b.getBoundingClientRect().width)));
    expect(widths).toHaveLength(2);
    expect(Math.abs((widths[0] ?? 0) - (widths[1] ?? 0))).toBeLessThanOrEqual(1);
    await screenshot(page, 'idle-warning-mobile');
    await page.clock.resume();
    await context.close();
  });

  it('the 404 page keeps the navigation and links to the start page', async () => {
    const { page, context } = await signedIn();
    await page.goto('/no/such/page');
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'Sessions' }).waitFor();
    const start = page.getByRole('link', { name: 'Go to the start page' });
    expect(await start.getAttribute('href')).toBe('/');
    await screenshot(page, 'not-found');
    await start.click();
    await page.getByRole('heading', { name: /^Signed in as / }).waitFor();
    await context.close();
  });

  it('a session revoked elsewhere shows the login page when the tab is back in view', async () => {
    const { page, context, username } = await signedIn(LAPTOP, undefined, { clock: true });
    // Another device logs in and ends every session of the user.
    const other = await fetch(`${server.trpcUrl}/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: PASSWORD }),
    });
    const { result } = (await other.json()) as { result: { data: { accessToken: string } } };
    const ended = await fetch(`${server.trpcUrl}/auth.logoutAll`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${result.data.accessToken}`,
        'content-type': 'application/json',
      },
    });
    expect(await ended.json()).toEqual({ result: { data: { revoked: 2 } } });
    expect(new URL(page.url()).pathname).toBe('/');

    // Later (the check runs at most every 15 s, and signing in just counted as one).
    await page.clock.fastForward(20_000);
    await comeBack(page);
    await page.waitForURL('**/login?redirect=/');
    expect(await page.getByTestId('login-notice').textContent()).toContain(
      'You were signed out (logged out elsewhere or revoked).',
    );
    await context.close();
  });

  it('confirmations on a phone: Revoke names its device, Cancel changes nothing', async () => {
    const { page, context, username } = await signedIn(PHONE);
    await fetch(`${server.trpcUrl}/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': ANDROID_UA },
      body: JSON.stringify({ username, password: PASSWORD }),
    });
    await page.getByRole('navigation').getByRole('link', { name: 'Sessions' }).click();
    const rows = page.getByTestId('session-list').getByRole('listitem');
    await rows.nth(1).waitFor();
    await page.getByRole('button', { name: 'Revoke Chrome on Android' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke Chrome on Android?' });
    await dialog.waitFor();
    await screenshot(page, 'confirm-revoke-mobile');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await rows.count()).toBe(2);
    await context.close();
  });
});

/** The user returns to the tab: it becomes visible and the window gets focus. */
async function comeBack(page: Page): Promise<void> {
  await page.bringToFront();
  await page.evaluate(() => {
    document.dispatchEvent(new Event('visibilitychange'));
    window.dispatchEvent(new Event('focus'));
  });
}
