import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { freePort, type LatchProcess, launchChromium, startLatchProcess } from '@latch/testing';
import { build, type Rolldown } from 'vite';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Consumer, createConsumer } from '../src/consumer.js';
import { packedTarballs } from '../src/packages.js';
import { servePage } from '../src/page-server.js';
import { lowestOf, manifestOf } from '../src/tarball.js';
import { workspaceVersion } from '../src/workspace-versions.js';

/**
 * A plain npm project outside the workspace installs the packed @latch/client and uses it as a
 * stranger would: `tsc` with strict, nodenext and skipLibCheck false, then plain `node` against a
 * real server process — from an ES module and, through require(esm), from CommonJS. Once on the
 * lowest tRPC the package's peer range accepts and once on the workspace's.
 */
let server: LatchProcess;
let consumer: Consumer;
let lowestTrpc: string;
/** Where the browser test serves its page: another origin than the server's, listed in CORS. */
let pagePort: number;

/** Nothing of the server may come along: not its packages, not its heavy dependencies. */
const SERVER_ONLY = [
  '@latch/api',
  '@latch/db',
  '@latch/shared',
  '@latch/testing',
  '@prisma',
  'prisma',
  'ioredis',
  '@node-rs',
  'better-sqlite3',
  'libsql',
  '@libsql',
  'fastify',
  'jose',
];

beforeAll(async () => {
  const tarball = (await packedTarballs(inject('tarballDir'))).client;
  const manifest = await manifestOf(tarball);
  lowestTrpc = lowestOf(manifest.peerDependencies?.['@trpc/client'] ?? '');
  expect(lowestOf(manifest.peerDependencies?.['@trpc/server'] ?? '')).toBe(lowestTrpc);
  consumer = createConsumer(
    'node-consumer',
    {
      '@latch/client': `file:${tarball}`,
      '@trpc/client': lowestTrpc,
      '@trpc/server': lowestTrpc,
    },
    {
      typescript: workspaceVersion('typescript'),
      '@types/node': workspaceVersion('@types/node'),
    },
  );
  pagePort = await freePort();
  [server] = await Promise.all([
    startLatchProcess({ CORS_ORIGINS: `http://127.0.0.1:${pagePort}` }),
    consumer.install(),
  ]);
});

afterAll(async () => {
  consumer?.remove();
  await server?.stop();
});

const strongPassword = () => `correct-horse-${randomBytes(6).toString('hex')}`;

/** One tRPC call over plain HTTP, as any other program could make it; resolves to its data. */
async function call(procedure: string, input: unknown, token?: string): Promise<unknown> {
  const response = await fetch(`${server.trpcUrl}/${procedure}`, {
    method: input === undefined ? 'GET' : 'POST',
    headers: {
      ...(input !== undefined && { 'content-type': 'application/json' }),
      ...(token && { authorization: `Bearer ${token}` }),
    },
    ...(input !== undefined && { body: JSON.stringify(input) }),
  });
  const body = (await response.json()) as { result?: { data: unknown } };
  expect(response.status, JSON.stringify(body)).toBe(200);
  return body.result?.data;
}

/** A new user with no session yet (registering signs in: that session is logged out again). */
async function registerUser(): Promise<{ username: string; password: string }> {
  const user = {
    username: `consumer_${randomBytes(4).toString('hex')}`,
    password: strongPassword(),
  };
  const registered = (await call('auth.register', user)) as { accessToken: string };
  await call('auth.logout', {}, registered.accessToken);
  return user;
}

/** How many sessions the user has, seen through a fresh login of their own (one of them). */
async function liveSessions(user: { username: string; password: string }): Promise<number> {
  const login = (await call('auth.login', user)) as { accessToken: string };
  return ((await call('auth.sessions', undefined, login.accessToken)) as unknown[]).length;
}

describe('@latch/client installed from its tarball into a plain npm project', () => {
  it('brings nothing of the workspace or the server along', () => {
    const modules = path.join(consumer.dir, 'node_modules');
    for (const name of SERVER_ONLY) expect(existsSync(path.join(modules, name)), name).toBe(false);
    expect(readdirSync(path.join(modules, '@latch'))).toEqual(['client']);
    // zod came along as the client's dependency, the tRPC peers as the consumer's own.
    for (const name of ['zod', '@trpc/client', '@trpc/server']) {
      expect(existsSync(path.join(modules, name)), name).toBe(true);
    }
  });

  const versions = () => [lowestTrpc, workspaceVersion('@trpc/client')];

  it.each([0, 1])(
    'tRPC version %#: tsc strict passes, typed results, and plain node runs it',
    async (which) => {
      const trpc = versions()[which] ?? '';
      if (which > 0) await consumer.install([`@trpc/client@${trpc}`, `@trpc/server@${trpc}`]);
      const installed = await consumer.run('node', [
        '-p',
        "require('@trpc/client/package.json').version",
      ]);
      expect(installed.stdout.trim()).toBe(trpc);

      // typed.ts's @ts-expect-error lines turn any `any` into a compile error.
      await consumer.run('node', ['node_modules/typescript/bin/tsc', '-p', '.']);

      const user = await registerUser();
      const env = {
        LATCH_URL: server.trpcUrl,
        LATCH_USERNAME: user.username,
        LATCH_PASSWORD: user.password,
      };
      const esm = JSON.parse((await consumer.run('node', ['dist/main.js'], env)).stdout) as {
        user: { username: string };
        sessionId: string;
        meSessionId: string;
        idleExpiresAt: number;
        sessions: { id: string; current: boolean }[];
        ended: string[];
        afterLogout: string;
        state: string;
      };
      expect(esm.user.username).toBe(user.username);
      expect(esm.meSessionId).toBe(esm.sessionId);
      expect(esm.idleExpiresAt).toBeGreaterThan(Date.now());
      expect(esm.sessions).toEqual([{ id: esm.sessionId, current: true }]);
      expect(esm.ended).toEqual(['LOGGED_OUT']);
      expect(esm.afterLogout).toBe('TOKEN_MISSING');
      expect(esm.state).toBe('signedOut');

      const cjs = await consumer.run('node', ['dist/require.cjs'], env);
      const required = JSON.parse(cjs.stdout) as { username: string; exports: string[] };
      expect(required.username).toBe(user.username);
      expect(required.exports).toEqual(expect.arrayContaining(['createLatchClient', 'latchLinks']));

      // Both programs logged out on the server too: a new login is the user's only session.
      expect(await liveSessions(user)).toBe(1);
      console.log(`tRPC ${trpc}: tsc clean, ESM and require() runs passed`);
    },
  );

  it('bundled by Vite from the installed package, it runs in Chromium against the server', async () => {
    const output = await build({
      root: consumer.dir,
      configFile: false,
      logLevel: 'silent',
      build: {
        write: false,
        lib: {
          entry: path.join(consumer.dir, 'src/browser.ts'),
          formats: ['es'],
          fileName: 'page',
        },
      },
    });
    const outputs = (Array.isArray(output) ? output : [output]) as Rolldown.RolldownOutput[];
    const chunk = outputs.flatMap((o) => o.output).find((file) => file.type === 'chunk');
    if (chunk?.type !== 'chunk') throw new Error('vite produced no chunk');
    // Bundled from the tarball's dist, not from the workspace's sources.
    expect(chunk.moduleIds.some((id) => id.includes('node_modules/@latch/client/dist/'))).toBe(
      true,
    );

    const page = await servePage(chunk.code, pagePort);
    const browser = await launchChromium();
    try {
      const tab = await browser.newPage();
      const errors: string[] = [];
      tab.on('pageerror', (error) => errors.push(error.message));
      await tab.goto(page.origin);
      await tab.waitForFunction(() => 'latchRun' in globalThis);
      const user = await registerUser();
      type Run = (url: string, username: string, password: string) => Promise<unknown>;
      const result = await tab.evaluate(
        ({ url, username, password }) =>
          (globalThis as unknown as { latchRun: Run }).latchRun(url, username, password),
        { url: server.trpcUrl, ...user },
      );
      expect(result).toEqual({
        username: user.username,
        storedWhileSignedIn: true,
        storedAfterLogout: null,
        ended: ['LOGGED_OUT'],
      });
      expect(await liveSessions(user)).toBe(1);

      const cookieUser = await registerUser();
      const cookieRun = await tab.evaluate(
        ({ url, username, password }) =>
          (globalThis as unknown as { latchRunCookie: Run }).latchRunCookie(
            url,
            username,
            password,
          ),
        { url: server.trpcUrl, ...cookieUser },
      );
      expect(cookieRun).toEqual({
        transport: 'cookie',
        username: cookieUser.username,
        tokenReadable: false,
        restored: cookieUser.username,
        sameSession: true,
        afterLogout: 'signedOut',
      });
      expect(await liveSessions(cookieUser)).toBe(1);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      await page.close();
    }
  });
});
