// The test page: a Latch client driven by the browser test through `window.latchTest`, on the
// browser default (the cookie transport) or, with `?storage=local`, on localStorage. Bundled by
// vite for Chromium (see browser-fixture.ts).
import { createLatchClient, type EndReason, localStorageAdapter } from '../../src/index.js';

const ends: EndReason[] = [];
const onLocalStorage = new URLSearchParams(location.search).get('storage') === 'local';
const latch = createLatchClient({
  url: `${location.origin}/trpc`,
  ...(onLocalStorage && { storage: localStorageAdapter() }),
  // Refresh once the token has actually expired, so the test controls the moment.
  refreshSkewMs: 0,
  onSessionEnd: (reason) => ends.push(reason),
});

const api = {
  ends,
  state: () => latch.getState(),
  transport: latch.transport,
  restore: () => latch.restore(),
  register: (username: string, password: string) => latch.register({ username, password }),
  me: async (times: number) => {
    const results = await Promise.all(
      Array.from({ length: times }, () => latch.trpc.auth.me.query()),
    );
    return results.map((me) => me.user.username);
  },
  logout: () => latch.logout(),
  hasWebLocks: () => typeof navigator.locks?.request === 'function',
};

declare global {
  interface Window {
    latchTest: typeof api;
  }
}
window.latchTest = api;
