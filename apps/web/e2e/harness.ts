import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type LatchProcess, launchChromium, startLatchProcess } from '@latch/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { inject } from 'vitest';

export const screenshotDir = fileURLToPath(new URL('./screenshots/', import.meta.url));
export const PASSWORD = 'correct horse battery';

/** Debian's Chromium, never a downloaded one. */
export function launchBrowser(): Promise<Browser> {
  return launchChromium();
}

/** A real server process on the run's Redis, with its own key prefix and SQLite file. */
export function startServer(
  group: string,
  env: Record<string, string> = {},
): Promise<LatchProcess> {
  return startLatchProcess({
    REDIS_URL: inject('redisUrl'),
    WEB_DIST: inject('webDist'),
    REDIS_PREFIX: `latch-web-e2e:${group}:${process.pid}:`,
    LOGIN_RATE_LIMIT: '1000/60',
    ...env,
  });
}

let counter = 0;
/** A fresh user per test, registered over plain HTTP (the API is plain JSON). */
export async function createUser(server: LatchProcess, prefix = 'user'): Promise<string> {
  counter += 1;
  const username = `${prefix}${counter}_${Date.now().toString(36)}`;
  const response = await fetch(`${server.trpcUrl}/auth.register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  if (!response.ok)
    throw new Error(`register ${username}: ${response.status} ${await response.text()}`);
  // Registering signs in: end that session so each test sees only its browsers' sessions.
  const { result } = (await response.json()) as { result: { data: { accessToken: string } } };
  const logout = await fetch(`${server.trpcUrl}/auth.logout`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${result.data.accessToken}`,
      'content-type': 'application/json',
    },
  });
  if (!logout.ok) throw new Error(`logout after register: ${logout.status} ${await logout.text()}`);
  return username;
}

export interface WatchedPage {
  page: Page;
  /** Console errors and uncaught exceptions, except the browser's own "Failed to load resource"
   * lines for 4xx answers, which are how the server says "session over". */
  errors: string[];
  /** Every path the page showed (pushState, replaceState, popstate, loads). */
  paths(): Promise<string[]>;
  /** Every page component that was rendered, in order (`data-page`). */
  pagesSeen(): Promise<string[]>;
}

const recorder = () => {
  const seen = { paths: [] as string[], pages: [] as string[] };
  (window as unknown as { __latchSeen: typeof seen }).__latchSeen = seen;
  const recordPath = () => {
    const path = location.pathname + location.search;
    if (seen.paths[seen.paths.length - 1] !== path) seen.paths.push(path);
  };
  for (const method of ['pushState', 'replaceState'] as const) {
    const original = history[method];
    history[method] = function (this: History, ...args: Parameters<History['pushState']>) {
      original.apply(this, args);
      recordPath();
    };
  }
  addEventListener('popstate', recordPath);
  recordPath();
  new MutationObserver(() => {
    for (const element of document.querySelectorAll('[data-page]')) {
      const name = element.getAttribute('data-page') ?? '';
      if (seen.pages[seen.pages.length - 1] !== name) seen.pages.push(name);
    }
  }).observe(document, { childList: true, subtree: true });
};

export async function watchedPage(context: BrowserContext): Promise<WatchedPage> {
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.addInitScript(recorder);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (process.env.E2E_DEBUG) console.log(`[browser ${message.type()}] ${message.text()}`);
    if (message.type() !== 'error') return;
    if (/Failed to load resource: the server responded with a status of 4\d\d/.test(message.text()))
      return;
    errors.push(`console: ${message.text()}`);
  });
  const seen = (key: 'paths' | 'pages') =>
    page.evaluate(
      (k) => (window as unknown as { __latchSeen: Record<string, string[]> }).__latchSeen[k] ?? [],
      key,
    );
  return { page, errors, paths: () => seen('paths'), pagesSeen: () => seen('pages') };
}

export async function logIn(page: Page, username: string, password = PASSWORD): Promise<void> {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: `${screenshotDir}${name}.png`, fullPage: true });
}
