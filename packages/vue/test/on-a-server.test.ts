// @vitest-environment node
import { randomBytes } from 'node:crypto';
import { createLatchClient } from '@latch/client';
import { type LatchProcess, startLatchProcess, waitFor } from '@latch/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from 'vue';
import { createMemoryHistory, createRouter } from 'vue-router';
import {
  createLatchAuth,
  installAuthGuard,
  type LoginNotice,
  provideAuth,
  useCurrentUser,
  useLogout,
  useSessionEnd,
} from '../src/index.js';

/**
 * The store, the guard and the composables on a real client against a real server process:
 * what `apps/web` wires, without a browser (Node's fetch; the client keeps the session in memory).
 */
const IDLE_TIMEOUT_S = 600;
const PASSWORD = 'correct horse battery';
let server: LatchProcess;

beforeAll(async () => {
  server = await startLatchProcess({ SESSION_IDLE_TIMEOUT: String(IDLE_TIMEOUT_S) });
});
afterAll(async () => {
  await server?.stop();
});

const page = { render: () => null };

function mountLatch() {
  const auth = createLatchAuth({ url: server.trpcUrl, idleChannel: null });
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', component: page },
      { path: '/login', component: page, meta: { guestOnly: true } },
      { path: '/private', component: page, meta: { requiresAuth: true } },
    ],
  });
  installAuthGuard(router, auth);
  const app = createApp(page);
  app.use(router);
  provideAuth(app, auth);
  const ended: LoginNotice[] = [];
  const composables = app.runWithContext(() => ({
    current: useCurrentUser(),
    stopListening: useSessionEnd((notice) => ended.push(notice)),
    logout: useLogout(),
  }));
  const path = () => router.currentRoute.value.fullPath;
  return { auth, router, ended, path, ...composables };
}

describe('@latch/vue on a Latch server', () => {
  it('guards routes, follows the session, and reports its end with the reason', async () => {
    const { auth, router, ended, path, current } = mountLatch();
    const username = `vue_${randomBytes(4).toString('hex')}`;

    await router.push('/private');
    expect(path()).toBe('/login?redirect=/private');
    expect(current.signedIn.value).toBe(false);

    const before = Date.now();
    await auth.login({ username, password: PASSWORD }, 'register');
    const after = Date.now();
    expect(current.user.value?.username).toBe(username);
    expect(current.signedIn.value).toBe(true);
    // The idle deadline from the server's answer, put on this clock.
    const deadline = auth.state.idle?.deadline ?? 0;
    expect(deadline).toBeGreaterThanOrEqual(before + IDLE_TIMEOUT_S * 1000);
    expect(deadline).toBeLessThanOrEqual(after + IDLE_TIMEOUT_S * 1000);

    await router.push('/private');
    expect(path()).toBe('/private');

    // Logged out everywhere from another device: this session is revoked on the server.
    const elsewhere = createLatchClient({ url: server.trpcUrl });
    await elsewhere.login({ username, password: PASSWORD });
    await elsewhere.logoutAll();

    expect(await auth.checkSession()).toBe(false);
    // The guard navigates on the session's end; that navigation settles on its own time.
    await waitFor(async () => path() !== '/private', { what: 'the guard leaving /private' });
    const notice: LoginNotice = { kind: 'session-ended', reason: 'SESSION_REVOKED' };
    expect(ended).toEqual([notice]);
    expect(auth.state.notice).toEqual(notice);
    expect(current.user.value).toBeNull();
    expect(path()).toBe('/login?redirect=/private');
  });

  it('logs out by choice: the server session ends, no session-end notice, the login page', async () => {
    const { auth, router, ended, path, logout } = mountLatch();
    const username = `vue_${randomBytes(4).toString('hex')}`;
    const events: string[] = [];
    auth.on((event) => events.push(event.type));
    await auth.login({ username, password: PASSWORD }, 'register');
    await router.push('/private');

    await logout.logout();

    expect(path()).toBe('/login');
    expect(events).toEqual(['logged-out']);
    expect(ended).toEqual([]);
    expect(auth.state).toMatchObject({ status: 'signed-out', notice: { kind: 'logged-out' } });
    // The server agrees: another login sees only its own session.
    const other = createLatchClient({ url: server.trpcUrl });
    await other.login({ username, password: PASSWORD });
    const sessions = await other.trpc.auth.sessions.query();
    expect(sessions.map((session) => session.current)).toEqual([true]);
  });
});
