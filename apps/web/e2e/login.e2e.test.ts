// @vitest-environment node
import type { LatchProcess } from '@latch/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, logIn, screenshot, startServer, watchedPage } from './harness';

/** A server with registration off and a tight login rate limit: two failures per minute. */
describe('login form against a strict server (Chromium, real server and Redis)', () => {
  let server: LatchProcess;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startServer('login', { LOGIN_RATE_LIMIT: '2/60', ALLOW_REGISTRATION: 'false' }),
      launchBrowser(),
    ]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('says why a login failed: wrong credentials, then rate limited with a countdown', async () => {
    const context = await browser.newContext({ baseURL: server.url });
    const { page, errors } = await watchedPage(context);
    await page.goto('/login');

    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    expect(await page.locator('#username-error').textContent()).toContain('Enter your username.');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('username');

    await logIn(page, 'nobody', 'not the password');
    const error = page.getByTestId('form-error');
    await error.getByText('Wrong username or password.').waitFor();

    // Fail until the limit answers (2 failures per minute on this server).
    for (let attempt = 0; attempt < 4; attempt++) {
      await logIn(page, 'nobody', 'not the password');
      await page.waitForFunction(
        () =>
          document.querySelector('button[type="submit"]')?.getAttribute('aria-busy') !== 'true' &&
          document.querySelector('[data-testid="form-error"]') !== null,
      );
      if (/Too many attempts/.test((await error.textContent()) ?? '')) break;
    }
    expect(await error.textContent()).toMatch(/Too many attempts\. Try again in \d+ s\./);
    const first = Number(/in (\d+) s/.exec((await error.textContent()) ?? '')?.[1]);
    expect(first).toBeGreaterThan(50);
    expect(first).toBeLessThanOrEqual(60);
    expect(await page.getByRole('button', { name: 'Log in', exact: true }).isDisabled()).toBe(true);
    await page.waitForFunction(
      (start) => {
        const text = document.querySelector('[data-testid="form-error"]')?.textContent ?? '';
        return Number(/in (\d+) s/.exec(text)?.[1]) < start;
      },
      first,
      { timeout: 15_000 },
    );
    await screenshot(page, 'login-rate-limited');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('says registration is closed when the server has it off', async () => {
    const context = await browser.newContext({ baseURL: server.url });
    const { page, errors } = await watchedPage(context);
    await page.goto('/login');
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.waitForURL('**/register');
    await page.getByLabel('Username').fill('newcomer');
    await page.getByLabel('Password').fill('long enough password');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page
      .getByText('Registration is closed on this server. Log in with an existing account.')
      .waitFor();
    await page.getByRole('link', { name: 'Log in instead' }).click();
    await page.waitForURL('**/login');
    await page.getByText('Registration is closed on this server.').waitFor();
    expect(await page.getByRole('link', { name: 'Create an account' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Log in', exact: true }).isEnabled()).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });
});
