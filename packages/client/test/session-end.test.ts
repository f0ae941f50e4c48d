import { type LatchProcess, startLatchProcess, waitFor } from '@latch/testing';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { authErrorOf, memoryStorage, SignedOutError, webStorage } from '../src/index.js';
import {
  codeOf,
  craftedStorage,
  InMemoryWebStorage,
  PASSWORD,
  sleep,
  storedOf,
  tamperedJwt,
  testClient,
  uniqueName,
} from './helpers.js';

// Short idle timeout and reuse grace so SESSION_EXPIRED and REFRESH_REUSED happen within seconds;
// the other tests finish each step well inside them.
const IDLE_S = 3;
const GRACE_S = 1;
let server: LatchProcess;
beforeAll(async () => {
  server = await startLatchProcess({
    SESSION_IDLE_TIMEOUT: String(IDLE_S),
    REFRESH_REUSE_GRACE: String(GRACE_S),
    LOGIN_RATE_LIMIT: '3/60',
  });
});
afterAll(async () => {
  await server?.stop();
});

/** A client already signed in as a new user. */
async function signedIn(options: Parameters<typeof testClient>[1] = {}) {
  const c = testClient(server.trpcUrl, options);
  const username = uniqueName('user');
  await c.latch.register({ username, password: PASSWORD });
  return { ...c, username };
}

describe.concurrent('ending a session', () => {
  test('TOKEN_INVALID (a forged token) ends the session once, however many calls see it', async ({
    expect,
  }) => {
    const a = await signedIn();
    const stored = storedOf(a.storage);
    const c = testClient(server.trpcUrl, {
      storage: craftedStorage(stored, { accessToken: tamperedJwt(stored.accessToken) }),
    });

    const codes = await Promise.all(
      Array.from({ length: 5 }, () => codeOf(c.latch.trpc.auth.me.query())),
    );

    expect(codes).toEqual(Array(5).fill('TOKEN_INVALID'));
    expect(c.ends).toEqual(['TOKEN_INVALID']);
    expect(c.latch.getState()).toEqual({ status: 'signedOut', reason: 'TOKEN_INVALID' });
    expect(c.storage.get()).toBeNull();
    expect(c.requestsFor('auth.refresh')).toBe(0);
    // Signed out now: a call goes without a token and is no second end.
    expect(await codeOf(c.latch.trpc.auth.me.query())).toBe('TOKEN_MISSING');
    expect(c.ends).toEqual(['TOKEN_INVALID']);
  });

  test('SESSION_REVOKED after logoutAll elsewhere; the logoutAll client ends as LOGGED_OUT', async ({
    expect,
  }) => {
    const a = await signedIn();
    const b = testClient(server.trpcUrl);
    await b.latch.login({ username: a.username, password: PASSWORD });

    expect(await b.latch.logoutAll()).toEqual({ revoked: 2 });
    expect(b.ends).toEqual(['LOGGED_OUT']);
    expect(b.latch.getState()).toEqual({ status: 'signedOut', reason: 'LOGGED_OUT' });

    expect(await codeOf(a.latch.trpc.auth.me.query())).toBe('SESSION_REVOKED');
    expect(a.ends).toEqual(['SESSION_REVOKED']);
    expect(a.requestsFor('auth.refresh')).toBe(0);
  });

  test('a refused refresh (revoked session) ends the session once and refreshes no more', async ({
    expect,
  }) => {
    const a = await signedIn();
    // Same session; this client believes its access token has expired, so it must refresh.
    const c = testClient(server.trpcUrl, {
      storage: craftedStorage(storedOf(a.storage), { accessTokenExpiresAt: Date.now() - 1_000 }),
    });
    await a.latch.logoutAll();

    const codes = await Promise.all(
      Array.from({ length: 3 }, () => codeOf(c.latch.trpc.auth.me.query())),
    );
    expect(codes).toEqual(Array(3).fill('SESSION_REVOKED'));
    expect(c.requestsFor('auth.refresh')).toBe(1);
    expect(c.ends).toEqual(['SESSION_REVOKED']);

    expect(await codeOf(c.latch.trpc.auth.me.query())).toBe('TOKEN_MISSING');
    await expect(c.latch.refresh()).rejects.toBeInstanceOf(SignedOutError);
    expect(c.requestsFor('auth.refresh')).toBe(1);
    expect(c.ends).toEqual(['SESSION_REVOKED']);
  });

  test('SESSION_EXPIRED after the idle timeout, from a call and from a refresh', async ({
    expect,
  }) => {
    const a = await signedIn();
    const c = testClient(server.trpcUrl, {
      storage: craftedStorage(storedOf(a.storage), { accessTokenExpiresAt: 0 }),
    });
    await sleep(IDLE_S * 1000 + 300);

    expect(await codeOf(a.latch.trpc.auth.me.query())).toBe('SESSION_EXPIRED');
    expect(a.ends).toEqual(['SESSION_EXPIRED']);
    expect(a.requestsFor('auth.refresh')).toBe(0);

    expect(await codeOf(c.latch.trpc.auth.me.query())).toBe('SESSION_EXPIRED');
    expect(c.requestsFor('auth.refresh')).toBe(1);
    expect(c.ends).toEqual(['SESSION_EXPIRED']);
  });

  test('REFRESH_INVALID for a refresh token the server never issued', async ({ expect }) => {
    const a = await signedIn();
    const stored = storedOf(a.storage);
    const forged = `${stored.user.id}.${stored.sessionId}.${'x'.repeat(43)}`;
    const c = testClient(server.trpcUrl, {
      storage: craftedStorage(stored, { accessTokenExpiresAt: 0, refreshToken: forged }),
    });

    expect(await codeOf(c.latch.trpc.auth.me.query())).toBe('REFRESH_INVALID');
    expect(c.ends).toEqual(['REFRESH_INVALID']);
    expect(c.storage.get()).toBeNull();
  });

  test('a replay inside the grace window keeps the session; after it, REFRESH_REUSED ends it', async ({
    expect,
  }) => {
    const a = await signedIn();
    const old = storedOf(a.storage);
    await a.latch.refresh();

    const early = testClient(server.trpcUrl, {
      storage: craftedStorage(old, { accessTokenExpiresAt: 0 }),
    });
    await early.latch.trpc.auth.me.query();
    expect(storedOf(early.storage).refreshToken).toBe(storedOf(a.storage).refreshToken);
    expect(early.ends).toEqual([]);

    await sleep(GRACE_S * 1000 + 300);
    const late = testClient(server.trpcUrl, {
      storage: craftedStorage(old, { accessTokenExpiresAt: 0 }),
    });
    expect(await codeOf(late.latch.trpc.auth.me.query())).toBe('REFRESH_REUSED');
    expect(late.ends).toEqual(['REFRESH_REUSED']);
    // Reuse revokes the session for its rightful holder too.
    expect(await codeOf(a.latch.trpc.auth.me.query())).toBe('SESSION_REVOKED');
    expect(a.ends).toEqual(['SESSION_REVOKED']);
  });

  test('TOKEN_MISSING (a proxy dropping the Authorization header) ends the session', async ({
    expect,
  }) => {
    const c = await signedIn({ rewrite: (_path, headers) => headers.delete('authorization') });
    expect(await codeOf(c.latch.trpc.auth.me.query())).toBe('TOKEN_MISSING');
    expect(c.ends).toEqual(['TOKEN_MISSING']);
  });

  test('logout ends the session here (LOGGED_OUT, once) and on the server', async ({ expect }) => {
    const a = await signedIn();
    const sameSession = testClient(server.trpcUrl, { storage: memoryStorage(a.storage.get()) });

    await a.latch.logout();
    await a.latch.logout();

    expect(a.ends).toEqual(['LOGGED_OUT']);
    expect(a.latch.getState()).toEqual({ status: 'signedOut', reason: 'LOGGED_OUT' });
    expect(a.storage.get()).toBeNull();
    expect(await codeOf(sameSession.latch.trpc.auth.me.query())).toBe('SESSION_REVOKED');
  });

  test('logout clears the session locally even when the server cannot be reached', async ({
    expect,
  }) => {
    const c = await signedIn({
      rewrite: (path) => {
        if (path === 'auth.logout') throw new TypeError('fetch failed');
      },
    });
    await c.latch.logout();
    expect(c.requestsFor('auth.logout')).toBe(1);
    expect(c.ends).toEqual(['LOGGED_OUT']);
    expect(c.storage.get()).toBeNull();
  });

  test('login errors are thrown with their code and leave the client signed out', async ({
    expect,
  }) => {
    const { username } = await signedIn();
    const c = testClient(server.trpcUrl);
    const attempt = () =>
      c.latch.login({ username, password: 'wrong password' }).then(
        () => undefined,
        (error: unknown) => authErrorOf(error),
      );

    const first = await attempt();
    expect(first?.code).toBe('INVALID_CREDENTIALS');
    let limited: ReturnType<typeof authErrorOf>;
    for (let i = 0; i < 4 && limited?.code !== 'RATE_LIMITED'; i++) {
      limited = await attempt();
    }
    expect(limited?.code).toBe('RATE_LIMITED');
    expect(limited?.retryAfterMs).toBeGreaterThan(0);
    expect(limited?.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(c.latch.getState()).toEqual({ status: 'signedOut', reason: null });
    expect(c.ends).toEqual([]);
  });

  test('clients sharing a storage follow each other (BroadcastChannel, no browser needed)', async ({
    expect,
  }) => {
    // Two "tabs": one Web Storage, one channel name (unique, so other tests don't cross-talk).
    const shared = new InMemoryWebStorage();
    const name = uniqueName('tabs');
    const tab = () =>
      testClient(server.trpcUrl, {
        storage: webStorage(shared, 'latch.session', { shared: true }),
        tabSync: { name },
      });
    const a = tab();
    const b = tab();
    const seen: string[] = [];
    b.latch.subscribe((state) => seen.push(state.status));

    await a.latch.register({ username: uniqueName('tabs'), password: PASSWORD });
    await waitFor(async () => b.latch.getState().status === 'signedIn', { timeoutMs: 2_000 });
    expect(seen).toEqual(['signedIn']);
    expect((await b.latch.trpc.auth.me.query()).session.id).toBe(a.latch.session.sessionId);

    await a.latch.logout();
    await waitFor(async () => b.ends.length > 0, { timeoutMs: 2_000 });
    expect(b.ends).toEqual(['LOGGED_OUT']);
    expect(a.ends).toEqual(['LOGGED_OUT']);
    expect(b.latch.getState()).toEqual({ status: 'signedOut', reason: 'LOGGED_OUT' });
    a.latch.close();
    b.latch.close();
  });
});
