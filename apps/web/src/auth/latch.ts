import {
  createLatchClient,
  type EndReason,
  type LatchClient,
  localStorageAdapter,
  type TokenStorage,
} from '@latch/client';
import type { AuthPort, AuthPortEvent } from './port';
import { SESSION_STORAGE_KEY } from './storage-key';

/** Calls that do not touch an existing session (everything else slides its idle deadline). */
const SESSIONLESS = new Set(['system.ping', 'auth.login', 'auth.register', 'auth.logout']);

export interface LatchPortOptions {
  /** The tRPC endpoint; the app is served on the API's origin (or proxied there by Vite). */
  url?: string;
  storage?: TokenStorage;
  fetch?: typeof globalThis.fetch;
}

/**
 * The one module that knows `@latch/client`: it makes the client (tokens in localStorage, so a
 * reload keeps the session and tabs share it) and adapts it to the app's `AuthPort`.
 */
export function createLatchPort(
  options: LatchPortOptions = {},
): AuthPort & { client: LatchClient } {
  const listeners = new Set<(event: AuthPortEvent) => void>();
  const emit = (event: AuthPortEvent) => {
    for (const listener of listeners) listener(event);
  };
  const baseFetch = options.fetch ?? globalThis.fetch.bind(globalThis);

  /** Watches answers go by: an accepted protected call (or refresh) moved the idle deadline. */
  const watchingFetch: typeof globalThis.fetch = async (input, init) => {
    const sentAt = Date.now();
    const response = await baseFetch(input, init);
    if (response.ok && movesSession(requestUrl(input))) emit({ type: 'activity', sentAt });
    return response;
  };

  const client = createLatchClient({
    url: options.url ?? '/trpc',
    storage: options.storage ?? localStorageAdapter(SESSION_STORAGE_KEY),
    fetch: watchingFetch,
    onSessionEnd: (reason: EndReason) => emit({ type: 'session-ended', reason }),
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
    login: (credentials) => signIn(() => client.login(credentials)),
    register: (credentials) => signIn(() => client.register(credentials)),
    logout: () => client.logout(),
    logoutAll: async () => (await client.logoutAll()).revoked,
    me: () => client.trpc.auth.me.query(),
    sessions: () => client.trpc.auth.sessions.query(),
    revokeSession: async (sessionId) => {
      await client.trpc.auth.revokeSession.mutate({ sessionId });
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

/** `…/trpc/auth.me,auth.sessions?batch=1…` → does any of these procedures slide the session? */
export function movesSession(url: string): boolean {
  const path = new URL(url, 'http://localhost').pathname;
  const at = path.lastIndexOf('/trpc/');
  if (at === -1) return false;
  const procedures = decodeURIComponent(path.slice(at + '/trpc/'.length)).split(',');
  return procedures.some((procedure) => procedure && !SESSIONLESS.has(procedure));
}
