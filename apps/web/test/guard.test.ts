import { createAuthStore } from '@latch/vue';
import { describe, expect, it } from 'vitest';
import { createMemoryHistory } from 'vue-router';
import { sessionEndMessages } from '../src/lib/messages';
import { createAppRouter } from '../src/router';
import { alice, apiError, FakePort } from './fake-port';
import { settle } from './setup';

function setup(port: FakePort) {
  const auth = createAuthStore(port, { idleChannel: null });
  const router = createAppRouter(auth, createMemoryHistory());
  let navigations = 0;
  router.afterEach(() => {
    navigations += 1;
  });
  const go = async (path: string) => {
    await router.push(path).catch(() => {});
    await settle();
    return router.currentRoute.value.fullPath;
  };
  return { auth, router, go, navigations: () => navigations };
}

describe('router guard', () => {
  it('sends a protected route without a session to /login?redirect=<path>', async () => {
    const { go } = setup(new FakePort(null));
    expect(await go('/sessions')).toBe('/login?redirect=/sessions');
    expect(await go('/')).toBe('/login?redirect=/');
    expect(await go('/sessions?tab=2#x')).toBe('/login?redirect=/sessions?tab=2%23x');
  });

  it('lets a live session through, asking the server once per page load', async () => {
    const port = new FakePort(alice);
    const { go, auth } = setup(port);
    expect(await go('/sessions')).toBe('/sessions');
    expect(await go('/')).toBe('/');
    expect(port.calls.filter((call) => call === 'me')).toHaveLength(1);
    expect(auth.state.user).toEqual(alice);
  });

  it('sends a signed-in user away from /login: to the redirect target if it is safe, else /', async () => {
    const { go } = setup(new FakePort(alice));
    expect(await go('/login')).toBe('/');
    expect(await go('/login?redirect=/sessions')).toBe('/sessions');
    for (const evil of [
      'https://evil.example',
      '//evil.example',
      '/\\evil.example',
      'javascript:alert(1)',
    ]) {
      expect(await go(`/login?redirect=${encodeURIComponent(evil)}`)).toBe('/');
    }
  });

  it('never loops: /login?redirect=/login goes to / when signed in and stays put when not', async () => {
    const signedIn = setup(new FakePort(alice));
    expect(await signedIn.go('/login?redirect=/login')).toBe('/');
    expect(await signedIn.go('/login?redirect=%2Flogin%3Fredirect%3D%2Flogin')).toBe('/');
    expect(signedIn.navigations()).toBeLessThanOrEqual(2);

    const signedOut = setup(new FakePort(null));
    expect(await signedOut.go('/login?redirect=/login')).toBe('/login?redirect=/login');
    expect(signedOut.navigations()).toBe(1);
  });

  it('a stored session the server calls over sends the user to log in, with the reason', async () => {
    const port = new FakePort(alice);
    port.failWith('SESSION_EXPIRED');
    const { go, auth } = setup(port);
    expect(await go('/sessions')).toBe('/login?redirect=/sessions');
    expect(auth.state.notice).toEqual({ kind: 'session-ended', reason: 'SESSION_EXPIRED' });
    expect(auth.state.status).toBe('signed-out');
  });

  it('when the client ends the session on a protected page, goes to /login?redirect=<that page>', async () => {
    const port = new FakePort(alice);
    const { go, router, auth } = setup(port);
    await go('/sessions?tab=2');
    port.endSession('SESSION_REVOKED');
    await settle();
    expect(router.currentRoute.value.fullPath).toBe('/login?redirect=/sessions?tab=2');
    expect(auth.state.notice).toEqual({ kind: 'session-ended', reason: 'SESSION_REVOKED' });
  });

  it('a session end on the login page only sets the notice', async () => {
    const port = new FakePort(alice);
    const { go, router, auth, navigations } = setup(port);
    // A stale session while already on a public page: no navigation, the reason is shown.
    port.failWith('TOKEN_INVALID');
    expect(await go('/login?redirect=/sessions')).toBe('/login?redirect=/sessions');
    expect(auth.state.notice).toEqual({ kind: 'session-ended', reason: 'TOKEN_INVALID' });
    expect(navigations()).toBe(1);
    expect(router.currentRoute.value.name).toBe('login');
  });

  it('follows a login in another tab from the login page to the redirect target', async () => {
    const port = new FakePort(null);
    const { go, router } = setup(port);
    await go('/sessions');
    port.user = alice;
    port.emit({ type: 'signed-in', userId: alice.id });
    await settle();
    expect(router.currentRoute.value.fullPath).toBe('/sessions');
  });

  it('a logout in another tab sends this one to the login page with its own message', async () => {
    const port = new FakePort(alice);
    const { go, router, auth } = setup(port);
    await go('/');
    port.endSession('LOGGED_OUT');
    await settle();
    expect(router.currentRoute.value.fullPath).toBe('/login?redirect=/');
    expect(auth.state.notice).toEqual({ kind: 'logged-out-elsewhere' });
  });

  it('keeps the session when the server cannot be asked (AUTH_UNAVAILABLE)', async () => {
    const port = new FakePort(alice);
    port.meResult = async () => {
      throw apiError('SERVICE_UNAVAILABLE', { authCode: 'AUTH_UNAVAILABLE' });
    };
    const { go, auth } = setup(port);
    const warn = console.warn;
    console.warn = () => {};
    try {
      expect(await go('/sessions')).toBe('/sessions');
    } finally {
      console.warn = warn;
    }
    expect(auth.state.status).toBe('signed-in');
    expect(auth.state.unavailable).toBe(true);
  });

  it('has one message per reason group, and every reason has one', () => {
    const groups = new Set(Object.values(sessionEndMessages));
    expect(groups.size).toBe(3);
  });
});
