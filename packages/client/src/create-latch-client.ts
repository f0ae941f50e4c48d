import type { AppRouter } from '@latch/api/router';
import type { CredentialsInput } from '@latch/shared';
import { createTRPCClient, httpLink, type TRPCClient } from '@trpc/client';
import { authErrorOf, SignedOutError } from './auth-errors.js';
import type {
  AuthState,
  AuthStateListener,
  SessionEndHandler,
  SignedInState,
} from './auth-state.js';
import { latchLinks } from './latch-links.js';
import { LatchSession, type TabSyncOptions } from './latch-session.js';
import type { StoredSession } from './stored-session.js';
import { memoryStorage, type TokenStorage } from './token-storage.js';

export interface LatchClientOptions {
  /** The tRPC endpoint, e.g. `http://127.0.0.1:3000/trpc` or `/trpc` in a browser. */
  url: string;
  /** Where the session is kept. Default: `memoryStorage()`. */
  storage?: TokenStorage;
  /**
   * Called once per session when it ends, with the server's code for a forced end or
   * `'LOGGED_OUT'` for a user logout (here or in another tab). Not called by `login()` replacing a
   * session.
   */
  onSessionEnd?: SessionEndHandler;
  /** Refresh before sending when the access token expires within this many ms. Default 120 000. */
  refreshSkewMs?: number;
  /** A custom `fetch` for every request (the client's own `auth.refresh` included). */
  fetch?: typeof globalThis.fetch;
  /**
   * Share refreshes and logouts between the tabs of an origin (Web Locks + BroadcastChannel).
   * Default: on when the storage is shared by tabs (`localStorageAdapter()`).
   */
  tabSync?: boolean | TabSyncOptions;
  /** The clock token expiry is compared with (epoch ms). Default `Date.now`. */
  now?: () => number;
  /** How long `auth.refresh` and the logout call may take before they fail. Default 15 000 ms. */
  requestTimeoutMs?: number;
}

export interface LatchClient {
  /** The typed tRPC client for `AppRouter`; every call goes through the auth link. */
  trpc: TRPCClient<AppRouter>;
  /** The session behind `trpc`, for building another tRPC client with `latchLinks(session, …)`. */
  session: LatchSession;
  /** Signs in; throws the server's error (`INVALID_CREDENTIALS`, `RATE_LIMITED`, …) otherwise. */
  login(input: CredentialsInput): Promise<SignedInState>;
  /** Creates the user and signs in (`CONFLICT` when the name is taken). */
  register(input: CredentialsInput): Promise<SignedInState>;
  /**
   * Ends the session here and in the other tabs (`onSessionEnd('LOGGED_OUT')`), then tells the
   * server. Never throws: a server that can't be reached leaves only the server-side session to
   * its idle timeout.
   */
  logout(): Promise<void>;
  /** Revokes every session of the user on the server, then ends this one as `'LOGGED_OUT'`. */
  logoutAll(): Promise<{ revoked: number }>;
  /** Rotates the tokens now (also moves the session's idle deadline, like any call). */
  refresh(): Promise<void>;
  getState(): AuthState;
  /** Calls `listener` on every change of `getState()`; returns the unsubscribe function. */
  subscribe(listener: AuthStateListener): () => void;
  /** Stops listening to other tabs. The client must not be used afterwards. */
  close(): void;
}

const BEARER_CONTEXT = 'latchBearer';

/**
 * One call makes a typed client for a Latch server: tokens attached, refreshed silently, and
 * every auth failure turned into one outcome (see the README's errors table).
 */
export function createLatchClient(options: LatchClientOptions): LatchClient {
  const { url, fetch } = options;
  const requestTimeoutMs = options.requestTimeoutMs ?? 15_000;

  // Auth calls skip the auth link: a refresh must never trigger a refresh, and login/logout carry
  // exactly the token they are about.
  const plain = createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url,
        fetch,
        headers: ({ op }) => {
          const bearer = op.context[BEARER_CONTEXT];
          return typeof bearer === 'string' ? { authorization: `Bearer ${bearer}` } : {};
        },
      }),
    ],
  });

  const session = new LatchSession({
    storage: options.storage ?? memoryStorage(),
    transport: {
      refresh: async (refreshToken, signal) =>
        withRefreshToken(await plain.auth.refresh.mutate({ refreshToken }, { signal })),
    },
    onSessionEnd: options.onSessionEnd,
    refreshSkewMs: options.refreshSkewMs ?? 120_000,
    tabSync: options.tabSync,
    now: options.now,
    refreshTimeoutMs: requestTimeoutMs,
  });

  const trpc = createTRPCClient<AppRouter>({ links: latchLinks(session, { url, fetch }) });

  const timeout = () => AbortSignal.timeout(requestTimeoutMs);

  /** Best effort: the session is already gone locally, so no failure here is the user's concern. */
  async function tellServer(ended: StoredSession): Promise<void> {
    const logout = (bearer: string) =>
      plain.auth.logout.mutate(undefined, {
        context: { [BEARER_CONTEXT]: bearer },
        signal: timeout(),
      });
    try {
      await logout(ended.accessToken);
    } catch (error) {
      // An expired access token can't log out; one refresh gets a token that can.
      if (authErrorOf(error)?.code !== 'TOKEN_EXPIRED') return;
      try {
        const refreshed = await plain.auth.refresh.mutate(
          { refreshToken: ended.refreshToken },
          { signal: timeout() },
        );
        await logout(refreshed.accessToken);
      } catch {}
    }
  }

  return {
    trpc,
    session,
    async login(input) {
      return session.signIn(
        withRefreshToken(await plain.auth.login.mutate(input, { signal: timeout() })),
      );
    },
    async register(input) {
      return session.signIn(
        withRefreshToken(await plain.auth.register.mutate(input, { signal: timeout() })),
      );
    },
    async logout() {
      const ended = session.endLocally('LOGGED_OUT');
      if (ended) await tellServer(ended);
    },
    async logoutAll() {
      const sessionId = session.sessionId;
      if (!sessionId) throw new SignedOutError();
      session.loggingOutEverywhere(sessionId);
      try {
        const result = await trpc.auth.logoutAll.mutate();
        session.endLocally('LOGGED_OUT', sessionId);
        return result;
      } finally {
        session.loggingOutEverywhere(undefined);
      }
    },
    refresh: () => session.refresh(),
    getState: () => session.getState(),
    subscribe: (listener) => session.subscribe(listener),
    close: () => session.close(),
  };
}

/**
 * This client keeps the refresh token itself (the body transport), so the answer must carry it;
 * the server leaves it out only for requests that opted into the cookie transport.
 */
function withRefreshToken<T extends { refreshToken?: string }>(
  answer: T,
): T & { refreshToken: string } {
  if (typeof answer.refreshToken !== 'string') {
    throw new Error('The server answered without a refresh token (cookie transport?).');
  }
  return answer as T & { refreshToken: string };
}
