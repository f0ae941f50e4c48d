import { type LatchProcess, launchChromium, startLatchProcess } from '@latch/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { bundleTestPage, type PageServer, servePage } from './browser/browser-fixture.js';
import { PASSWORD, sleepUntil, uniqueName } from './helpers.js';

// Real Chromium, two tabs of one browser context (one localStorage, real Web Locks and
// BroadcastChannel), a real Latch server behind a same-origin proxy that counts requests.
let server: LatchProcess;
let pages: PageServer;
let browser: Browser;
beforeAll(async () => {
  const [latch, script] = await Promise.all([
    startLatchProcess({ ACCESS_TOKEN_TTL: '2' }),
    bundleTestPage(),
  ]);
  server = latch;
  pages = await servePage(script, server.url, { refreshDelayMs: 300 });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await pages?.close();
  await server?.stop();
});

/** What the pages printed or threw, shown when the test fails. */
const pageLog: string[] = [];
let tabs = 0;

type Context = Awaited<ReturnType<Browser['newContext']>>;

async function openTab(context: Context, search = ''): Promise<Page> {
  const page = await context.newPage();
  const tab = `tab ${++tabs}`;
  page.on('console', (message) => pageLog.push(`${tab} console: ${message.text()}`));
  page.on('pageerror', (error) => pageLog.push(`${tab} error: ${error.message}`));
  await page.goto(`${pages.origin}/${search}`, { waitUntil: 'domcontentloaded' });
  await page.waitForFunction(() => window.latchTest !== undefined);
  return page;
}

/** Everything a page script can read: Web Storage and `document.cookie`. */
function readableByScripts(page: Page) {
  return page.evaluate(() => ({
    local: JSON.stringify({ ...localStorage }),
    session: JSON.stringify({ ...sessionStorage }),
    cookie: document.cookie,
  }));
}

afterEach((context) => {
  if (context.task.result?.state === 'fail' && pageLog.length > 0) {
    console.error(`browser output:\n${pageLog.join('\n')}`);
  }
});

test('localStorage: two tabs: one sees the other log in, both refresh with ONE request, logout ends both', async () => {
  const context = await browser.newContext();
  const tabA = await openTab(context, '?storage=local');
  const tabB = await openTab(context, '?storage=local');
  expect(await tabA.evaluate(() => window.latchTest.transport)).toBe('body');
  expect(await tabA.evaluate(() => window.latchTest.hasWebLocks())).toBe(true);

  const username = uniqueName('tabs');
  const signedIn = await tabA.evaluate(
    ([name, password]) => window.latchTest.register(name, password),
    [username, PASSWORD] as const,
  );
  const refreshesBefore = pages.count('auth.refresh');
  // A login in one tab is seen by the other without a reload.
  await tabB.waitForFunction(() => window.latchTest.state().status === 'signedIn');

  // Both tabs now hold an expired access token and call the API at the same moment.
  await sleepUntil(signedIn.accessTokenExpiresAt + 100);
  const [namesA, namesB] = await Promise.all([
    tabA.evaluate(() => window.latchTest.me(5)),
    tabB.evaluate(() => window.latchTest.me(5)),
  ]);

  expect(pages.count('auth.refresh') - refreshesBefore).toBe(1);
  expect([...namesA, ...namesB]).toEqual(Array(10).fill(username));
  const [stateA, stateB] = await Promise.all(
    [tabA, tabB].map((tab) => tab.evaluate(() => window.latchTest.state())),
  );
  expect(stateA).toMatchObject({ status: 'signedIn', user: { username } });
  expect(stateB).toEqual(stateA);
  expect(stateA?.status === 'signedIn' && stateA.accessTokenExpiresAt).toBeGreaterThan(
    signedIn.accessTokenExpiresAt,
  );

  await tabA.evaluate(() => window.latchTest.logout());
  await tabB.waitForFunction(() => window.latchTest.ends.length > 0);
  expect(await tabB.evaluate(() => window.latchTest.ends)).toEqual(['LOGGED_OUT']);
  expect(await tabA.evaluate(() => window.latchTest.ends)).toEqual(['LOGGED_OUT']);
  expect(await tabB.evaluate(() => window.latchTest.state())).toEqual({
    status: 'signedOut',
    reason: 'LOGGED_OUT',
  });
  expect(await tabB.evaluate(() => localStorage.getItem('latch.session'))).toBeNull();
  await context.close();
  // Generous: on a loaded CI machine Chromium alone can take seconds per page.
}, 45_000);

test('cookie transport (the browser default): nothing readable, one refresh for two tabs, reload and new tab restore, logout ends all and spends the cookie', async () => {
  const context = await browser.newContext();
  const tabA = await openTab(context);
  const tabB = await openTab(context);
  expect(await tabA.evaluate(() => window.latchTest.transport)).toBe('cookie');
  // Nothing to restore yet: one refused refresh, signed out without a reason.
  expect(await tabA.evaluate(() => window.latchTest.restore())).toEqual({
    status: 'signedOut',
    reason: null,
  });

  const username = uniqueName('cookie');
  const signedIn = await tabA.evaluate(
    ([name, password]) => window.latchTest.register(name, password),
    [username, PASSWORD] as const,
  );
  expect(signedIn).not.toHaveProperty('refreshToken');
  await tabB.waitForFunction(() => window.latchTest.state().status === 'signedIn');
  for (const tab of [tabA, tabB]) {
    expect(await readableByScripts(tab)).toEqual({ local: '{}', session: '{}', cookie: '' });
  }
  const [cookie] = await context.cookies();
  expect(cookie).toMatchObject({
    name: 'latch-refresh',
    httpOnly: true,
    sameSite: 'Strict',
    path: '/trpc',
  });

  // Both tabs hold an expired access token (in memory) and call at once: one refresh.
  const refreshesBefore = pages.count('auth.refresh');
  await sleepUntil(signedIn.accessTokenExpiresAt + 100);
  const [namesA, namesB] = await Promise.all([
    tabA.evaluate(() => window.latchTest.me(5)),
    tabB.evaluate(() => window.latchTest.me(5)),
  ]);
  expect(pages.count('auth.refresh') - refreshesBefore).toBe(1);
  expect([...namesA, ...namesB]).toEqual(Array(10).fill(username));
  const rotated = (await context.cookies())[0]?.value;
  expect(rotated).toBeDefined();
  expect(rotated).not.toBe(cookie?.value);

  // A reload and a new tab start with nothing in memory and take the session up from the cookie.
  await tabB.reload({ waitUntil: 'domcontentloaded' });
  await tabB.waitForFunction(() => window.latchTest !== undefined);
  expect(await tabB.evaluate(() => window.latchTest.state().status)).toBe('signedOut');
  expect(await tabB.evaluate(() => window.latchTest.restore())).toMatchObject({
    status: 'signedIn',
    user: { username },
  });
  const tabC = await openTab(context);
  expect(await tabC.evaluate(() => window.latchTest.restore())).toMatchObject({
    status: 'signedIn',
    user: { username },
  });
  expect(await tabC.evaluate(() => window.latchTest.me(1))).toEqual([username]);
  expect(await tabA.evaluate(() => window.latchTest.me(1))).toEqual([username]);

  // A logout in one tab ends every tab, and the server spends and clears the cookie.
  const spent = (await context.cookies())[0]?.value ?? '';
  await tabA.evaluate(() => window.latchTest.logout());
  for (const tab of [tabB, tabC]) {
    await tab.waitForFunction(() => window.latchTest.ends.length > 0);
    expect(await tab.evaluate(() => window.latchTest.state())).toEqual({
      status: 'signedOut',
      reason: 'LOGGED_OUT',
    });
  }
  expect(await context.cookies()).toEqual([]);
  const replay = await fetch(`${server.url}/trpc/auth.refresh`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-latch-transport': 'cookie',
      cookie: `latch-refresh=${spent}`,
    },
    body: '{}',
  });
  expect(replay.status).toBe(401);
  await tabB.reload({ waitUntil: 'domcontentloaded' });
  await tabB.waitForFunction(() => window.latchTest !== undefined);
  expect(await tabB.evaluate(() => window.latchTest.restore())).toEqual({
    status: 'signedOut',
    reason: null,
  });
  await context.close();
}, 60_000);
