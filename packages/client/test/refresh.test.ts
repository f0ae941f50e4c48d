import { type LatchProcess, startLatchProcess } from '@latch/testing';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { memoryStorage } from '../src/index.js';
import {
  codeOf,
  craftedStorage,
  PASSWORD,
  sleepUntil,
  storedOf,
  testClient,
  uniqueName,
} from './helpers.js';

// Access tokens live 3 s, so the tests see real expiry within a few seconds. They wait in
// parallel (`describe.concurrent`), so the file costs one wait, not one per test.
let server: LatchProcess;
beforeAll(async () => {
  server = await startLatchProcess({ ACCESS_TOKEN_TTL: '3' });
});
afterAll(async () => {
  await server?.stop();
});

/** The server accepts a token up to 1 s past `exp` (SPEC's clock tolerance). */
const SERVER_TOLERANCE_MS = 1_000;

describe.concurrent('refresh', () => {
  test('50 concurrent calls with an expired access token make exactly one refresh', async ({
    expect,
  }) => {
    const c = testClient(server.trpcUrl);
    const username = uniqueName('fifty');
    const { accessTokenExpiresAt } = await c.latch.register({ username, password: PASSWORD });
    const firstToken = storedOf(c.storage).accessToken;
    await sleepUntil(accessTokenExpiresAt + 50);

    const results = await Promise.all(
      Array.from({ length: 50 }, () => c.latch.trpc.auth.me.query()),
    );

    expect(results.every((me) => me.user.username === username)).toBe(true);
    expect(c.requestsFor('auth.refresh')).toBe(1);
    // Refreshed before sending: not one call went out with the expired token.
    expect(c.callsOf('auth.me')).toBe(50);
    expect(storedOf(c.storage).accessToken).not.toBe(firstToken);
    expect(c.latch.getState()).toMatchObject({ status: 'signedIn' });
    expect(c.ends).toEqual([]);
  });

  test('a TOKEN_EXPIRED answer to 50 concurrent calls: one refresh, each call retried once', async ({
    expect,
  }) => {
    // This client's clock runs a minute slow, so it never sees the expiry coming and only the
    // server's TOKEN_EXPIRED answer can trigger the refresh.
    const c = testClient(server.trpcUrl, { now: () => Date.now() - 60_000 });
    const username = uniqueName('retry');
    const { accessTokenExpiresAt } = await c.latch.register({ username, password: PASSWORD });
    await sleepUntil(accessTokenExpiresAt + SERVER_TOLERANCE_MS + 200);

    const results = await Promise.all(
      Array.from({ length: 50 }, () => c.latch.trpc.auth.me.query()),
    );

    expect(results.every((me) => me.user.username === username)).toBe(true);
    expect(c.requestsFor('auth.refresh')).toBe(1);
    expect(c.callsOf('auth.me')).toBe(100);
    expect(c.ends).toEqual([]);
  });

  test('refreshes before sending once the token expires within the skew, and not before', async ({
    expect,
  }) => {
    const skewMs = 800;
    const c = testClient(server.trpcUrl, { refreshSkewMs: skewMs });
    const state = await c.latch.register({ username: uniqueName('skew'), password: PASSWORD });
    const exp = state.accessTokenExpiresAt;
    // exp is whole seconds and the TTL 3 s: the token lives > 2 s, so the window is all 800 ms.
    expect(exp - Date.now()).toBeGreaterThan(2 * skewMs);

    await c.latch.trpc.auth.me.query();
    expect(c.requestsFor('auth.refresh')).toBe(0);

    await sleepUntil(exp - skewMs - 250);
    await c.latch.trpc.auth.me.query();
    expect(c.requestsFor('auth.refresh')).toBe(0);

    await sleepUntil(exp - skewMs + 150);
    await c.latch.trpc.auth.me.query();
    expect(c.requestsFor('auth.refresh')).toBe(1);
    // Refreshed *before* sending: the server never had to refuse anything.
    expect(c.callsOf('auth.me')).toBe(3);
    const after = c.latch.getState();
    expect(after.status === 'signedIn' && after.accessTokenExpiresAt).toBeGreaterThan(exp);

    await c.latch.trpc.auth.me.query();
    expect(c.requestsFor('auth.refresh')).toBe(1);
  });

  test('a server that keeps answering TOKEN_EXPIRED costs one refresh and one retry', async ({
    expect,
  }) => {
    const first = testClient(server.trpcUrl);
    const { accessTokenExpiresAt } = await first.latch.register({
      username: uniqueName('stubborn'),
      password: PASSWORD,
    });
    const expiredToken = storedOf(first.storage).accessToken;
    await sleepUntil(accessTokenExpiresAt + SERVER_TOLERANCE_MS + 200);
    await first.latch.refresh();

    // Same live session, fresh tokens, but every auth.me goes out with the expired token (a
    // broken proxy): the real server refuses it every time.
    const c = testClient(server.trpcUrl, {
      storage: memoryStorage(first.storage.get()),
      rewrite: (path, headers) => {
        if (path === 'auth.me') headers.set('authorization', `Bearer ${expiredToken}`);
      },
    });

    expect(await codeOf(c.latch.trpc.auth.me.query())).toBe('TOKEN_EXPIRED');
    expect(c.requestsFor('auth.refresh')).toBe(1);
    expect(c.callsOf('auth.me')).toBe(2);
    // Not a session-ending code: the session is kept and keeps working for other calls.
    expect(c.latch.getState().status).toBe('signedIn');
    expect(c.ends).toEqual([]);
    expect((await c.latch.trpc.auth.sessions.query()).some((s) => s.current)).toBe(true);
  });

  test('logout with an expired access token still ends the session on the server', async ({
    expect,
  }) => {
    const c = testClient(server.trpcUrl, { now: () => Date.now() - 60_000 });
    const { accessTokenExpiresAt } = await c.latch.register({
      username: uniqueName('late_logout'),
      password: PASSWORD,
    });
    const before = storedOf(c.storage);
    await sleepUntil(accessTokenExpiresAt + SERVER_TOLERANCE_MS + 200);

    await c.latch.logout();

    expect(c.ends).toEqual(['LOGGED_OUT']);
    expect(c.storage.get()).toBeNull();
    expect(c.requestsFor('auth.logout')).toBe(2);
    expect(c.requestsFor('auth.refresh')).toBe(1);
    // The server forgot the session: its old refresh token now gets SESSION_REVOKED.
    const replay = testClient(server.trpcUrl, {
      storage: craftedStorage(before, { accessTokenExpiresAt: 0 }),
    });
    expect(await codeOf(replay.latch.trpc.auth.me.query())).toBe('SESSION_REVOKED');
  });
});
