// @vitest-environment node

import type { LatchProcess } from '@latch/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, logIn, screenshot, startServer, watchedPage } from './harness';

const SIGNED_OUT = 'You were signed out (logged out elsewhere or revoked).';

/**
 * Registering at /register and changing the password, in Chromium against a real server. Sessions
 * never go idle during the test, so no idle warning can cover the forms.
 */
describe('account pages (Chromium, real server and Redis)', () => {
  let server: LatchProcess;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startServer('account', { SESSION_IDLE_TIMEOUT: '3600' }),
      launchBrowser(),
    ]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('registers at /register, changes the password: other browsers are signed out, this one stays', async () => {
    const username = `acct_${Date.now().toString(36)}`;
    const first = 'violet rocket under tuesday';
    const second = 'seven quiet lanterns drift';

    for (const viewport of [
      { width: 1280, height: 800 },
      { width: 390, height: 844 },
    ]) {
      const context = await browser.newContext({ baseURL: server.url, viewport });
      const { page } = await watchedPage(context);
      await page.goto('/register');
      await page.getByRole('heading', { name: 'Create an account' }).waitFor();
      expect(await page.title()).toBe('Create an account · Latch');
      await screenshot(page, viewport.width > 500 ? 'register' : 'register-mobile');
      await context.close();
    }

    const laptopContext = await browser.newContext({ baseURL: server.url });
    const laptop = await watchedPage(laptopContext);
    await laptop.page.goto('/login');
    await laptop.page.getByRole('link', { name: 'Create an account' }).click();
    await laptop.page.waitForURL('**/register');
    await laptop.page.getByLabel('Username').fill(username);
    const strength = laptop.page.getByTestId('password-strength');
    await laptop.page.getByLabel('Password').fill('password1234');
    await strength.getByText(/Strength: (Very weak|Weak)/).waitFor();
    await laptop.page.getByLabel('Password').fill(first);
    await strength.getByText('Strength: Very strong').waitFor();
    await laptop.page.getByRole('button', { name: 'Create account' }).click();
    await laptop.page.getByRole('heading', { name: `Signed in as ${username}` }).waitFor();

    const phoneContext = await browser.newContext({
      baseURL: server.url,
      viewport: { width: 390, height: 844 },
    });
    const phone = await watchedPage(phoneContext);
    await phone.page.goto('/login');
    await logIn(phone.page, username, first);
    await phone.page.getByRole('heading', { name: `Signed in as ${username}` }).waitFor();

    await laptop.page.getByRole('link', { name: 'Change password' }).click();
    await laptop.page.waitForURL('**/account/password');
    expect(await laptop.page.title()).toBe('Change password · Latch');
    await laptop.page.getByLabel('Current password').fill('not the password at all');
    await laptop.page.getByLabel('New password', { exact: true }).fill(second);
    await laptop.page.getByLabel('Confirm new password').fill(second);
    await laptop.page.getByRole('button', { name: 'Change password' }).click();
    await laptop.page.getByText('Your current password is not right.').waitFor();

    await laptop.page.getByLabel('Current password').fill(first);
    await laptop.page.getByRole('button', { name: 'Change password' }).click();
    await laptop.page.getByTestId('password-changed').waitFor();
    await screenshot(laptop.page, 'change-password');

    // This browser stays signed in; the phone is signed out on its next action.
    await laptop.page.getByRole('navigation').getByRole('link', { name: 'Sessions' }).click();
    await laptop.page.getByTestId('session-list').waitFor();
    expect(await laptop.page.getByTestId('session-list').getByRole('listitem').count()).toBe(1);
    await phone.page.getByRole('navigation').getByRole('link', { name: 'Sessions' }).click();
    await phone.page.waitForURL('**/login?redirect=/sessions');
    expect(await phone.page.getByTestId('login-notice').textContent()).toContain(SIGNED_OUT);

    // The old password is refused, the new one works.
    await logIn(phone.page, username, first);
    await phone.page.getByText('Wrong username or password.').waitFor();
    await logIn(phone.page, username, second);
    await phone.page.waitForURL('**/sessions');
    await phone.page.getByRole('navigation').getByRole('link', { name: 'Password' }).click();
    await phone.page.getByRole('heading', { name: 'Change password' }).waitFor();
    await screenshot(phone.page, 'change-password-mobile');

    expect([...laptop.errors, ...phone.errors]).toEqual([]);
    await laptopContext.close();
    await phoneContext.close();
  });
});
