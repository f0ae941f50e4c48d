import { createLatchClient, type LatchClient, type LatchClientOptions } from '@latch/client';
import type { AuthPort, AuthPortEvent } from './auth-port.js';

/** Calls that do not touch an existing session (everything else slides its idle deadline). */
const SESSIONLESS = new Set(['system.ping', 'auth.login', 'auth.register', 'auth.logout']);

/** `createLatchClient`'s options; the port owns `onSessionEnd` (the store hears about it). */
export interface LatchPortOptions extends Partial<Omit<LatchClientOptions, 'onSessionEnd'>> {
  /** The tRPC endpoint. Default `/trpc`: the app is served on the API's origin (or proxied). */
  url?: string;
}

/**
 * Makes the client — in a browser by default on the cookie transport: no token a script could
 * read, a reload or a new tab takes the session up again through the cookie, tabs share it — and
 * adapts it to `AuthPort`. It watches answers go by (a wrapped `fetch`): an
 * accepted protected call moved the server's idle deadline, which the store tracks.
 */
export function createLatchPort(
  options: LatchPortOptions = {},
): AuthPort & { client: LatchClient } {
  const url = options.url ?? '/trpc';
  const listeners = new Set<(event: AuthPortEvent) => void>();
  const emit = (event: AuthPortEvent) => {
    for (const listener of listeners) listener(event);
  };
  const baseFetch = options.fetch ?? globalThis.fetch.bind(globalThis);

  const watchingFetch: typeof globalThis.fetch = async (input, init) => {
    const sentAt = Date.now();
    const response = await baseFetch(input, init);
    if (response.ok && movesSession(requestUrl(input), url)) emit({ type: 'activity', sentAt });
    return response;
  };

  const client = createLatchClient({
    ...options,
    url,
    fetch: watchingFetch,
    onSessionEnd: (reason) => emit({ type: 'session-ended', reason }),
  });

  // Sign-outs always come with `onSessionEnd`; a sign-in from another tab only changes the state.
  let lastUserId = userIdOf(client);
  let signingIn = false;
  client.subscribe((state) => {
    const userId = state.status === 'signedIn' ? state.user.id : null;
    if (userId !== null && userId !== lastUserId && !signingIn) {
      emit({ type: 'signed-in', userId });
    }
    lastUserId = userId;
  });

  /** This tab's own sign-in is not news from another tab. */
  async function signIn(call: () => Promise<unknown>) {
    signingIn = true;
    try {
      await call();
    } finally {
      signingIn = false;
    }
    return signedInUser(client);
  }

  return {
    client,
    hasSession: () => client.getState().status === 'signedIn',
    storedUser: () => {
      const state = client.getState();
      return state.status === 'signedIn' ? state.user : null;
    },
    async restore() {
      // A session taken up from the cookie is this tab's own sign-in, not news from another tab.
      signingIn = true;
      try {
        const state = await client.restore();
        return state.status === 'signedOut' ? state.reason : null;
      } finally {
        signingIn = false;
      }
    },
    login: (credentials) => signIn(() => client.login(credentials)),
    register: (credentials) => signIn(() => client.register(credentials)),
    logout: () => client.logout(),
    logoutAll: async () => (await client.logoutAll()).revoked,
    me: () => client.trpc.auth.me.query(),
    sessions: () => client.trpc.auth.sessions.query(),
    revokeSession: async (sessionId) => {
      await client.trpc.auth.revokeSession.mutate({ sessionId });
    },
    changePassword: async (input) => {
      await client.trpc.auth.changePassword.mutate(input);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

function userIdOf(client: LatchClient): string | null {
  const state = client.getState();
  return state.status === 'signedIn' ? state.user.id : null;
}

function signedInUser(client: LatchClient) {
  const state = client.getState();
  if (state.status !== 'signedIn') throw new Error('The session ended right after signing in.');
  return { user: state.user };
}

function requestUrl(input: RequestInfo | URL): string {
  if (typeof input === 'string') return input;
  if (input instanceof URL) return input.href;
  return input.url;
}

/**
 * `<endpoint>/auth.me,auth.sessions?batch=1…` → does any of these procedures slide the session?
 * Requests outside the endpoint (`/healthz`) do not.
 */
export function movesSession(url: string, endpoint = '/trpc'): boolean {
  const base = `${new URL(endpoint, 'http://localhost').pathname.replace(/\/+$/, '')}/`;
  const path = new URL(url, 'http://localhost').pathname;
  if (!path.startsWith(base)) return false;
  const procedures = decodeURIComponent(path.slice(base.length)).split(',');
  return procedures.some((procedure) => procedure && !SESSIONLESS.has(procedure));
}
