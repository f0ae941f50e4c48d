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
import { LatchSession, type SessionAnswer, type TabSyncOptions } from './latch-session.js';
import type { StoredSession } from './stored-session.js';
import { memoryStorage, type TokenStorage } from './token-storage.js';

/**
 * How the refresh token travels. `'cookie'`: in an httpOnly cookie the browser keeps and no
 * script can read; the access token lives in this client's memory only, and `restore()` takes the
 * session up again after a reload or in a new tab. `'body'`: in the JSON, kept in `storage`.
 */
export type LatchTransport = 'cookie' | 'body';

export interface LatchClientOptions {
  /** The tRPC endpoint, e.g. `http://127.0.0.1:3000/trpc` or `/trpc` in a browser. */
  url: string;
  /**
   * Default: `'cookie'` in a browser (a `document` exists) unless a `storage` is given,
   * `'body'` elsewhere (Node). A cross-origin page needs its origin in the server's CORS_ORIGINS.
   */
  transport?: LatchTransport;
  /**
   * Where the session is kept under the body transport. Default: `memoryStorage()`. Giving one
   * chooses the body transport; the cookie transport keeps nothing a script could read.
   */
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
  /**
   * Cookie transport: when this client holds no session, takes up the one the browser's cookie
   * carries (after a reload, in a new tab) with one `auth.refresh`, and resolves with the state —
   * signed out (with the reason, when the cookie's session is over) if there is none. Rejects
   * only when the server can't be reached. Body transport: resolves the state at once.
   */
  restore(): Promise<AuthState>;
  /** How the refresh token travels for this client. */
  readonly transport: LatchTransport;
  getState(): AuthState;
  /** Calls `listener` on every change of `getState()`; returns the unsubscribe function. */
  subscribe(listener: AuthStateListener): () => void;
  /** Stops listening to other tabs. The client must not be used afterwards. */
  close(): void;
}

const BEARER_CONTEXT = 'latchBearer';
const TRANSPORT_HEADER = 'x-latch-transport';
/**
 * Names the tab lock and channel of cookie sessions: not `DEFAULT_STORAGE_KEY`, so a page that
 * also runs a client on `localStorageAdapter()` never copies a cookie session into storage.
 */
const SHARED_COOKIE_SESSION = 'latch.cookie-session';

/**
 * One call makes a typed client for a Latch server: tokens attached, refreshed silently, and
 * every auth failure turned into one outcome (see the README's errors table).
 */
export function createLatchClient(options: LatchClientOptions): LatchClient {
  const { url, fetch } = options;
  const requestTimeoutMs = options.requestTimeoutMs ?? 15_000;
  const transport = transportOf(options);
  const cookie = transport === 'cookie';

  // Auth calls skip the auth link: a refresh must never trigger a refresh, and login/logout carry
  // exactly the token they are about. Under the cookie transport they are the calls whose cookie
  // matters, so they send it (and take it) cross-origin too.
  const plain = createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url,
        fetch: cookie ? withCredentials(fetch) : fetch,
        headers: ({ op }) => {
          const bearer = op.context[BEARER_CONTEXT];
          return {
            ...(cookie && { [TRANSPORT_HEADER]: 'cookie' }),
            ...(typeof bearer === 'string' && { authorization: `Bearer ${bearer}` }),
          };
        },
      }),
    ],
  });
  /** What the server answered, checked against the transport this client asked for. */
  const received = <T extends SessionAnswer>(answer: T): T =>
    cookie ? withoutRefreshToken(answer) : withRefreshToken(answer);

  const session = new LatchSession({
    storage: options.storage ?? memoryStorage(),
    ...(cookie && { sharedAs: SHARED_COOKIE_SESSION }),
    transport: {
      refresh: async (refreshToken, signal) =>
        received(await plain.auth.refresh.mutate(cookie ? {} : { refreshToken }, { signal })),
      restores: cookie,
    },
    onSessionEnd: options.onSessionEnd,
    // An abnormal access token ends the session here while the server's lives on; under the
    // cookie transport a reload would take it up again, so the server is told to end it too.
    onEndedByServer: cookie
      ? (reason, ended) => {
          if (isAbnormalToken(reason)) void tellServer(ended);
        }
      : undefined,
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
      // An expired access token can't log out; one refresh gets a token that can (and under the
      // cookie transport, the cookie gets one for a token the server found abnormal).
      const code = authErrorOf(error)?.code;
      if (code !== 'TOKEN_EXPIRED' && !(cookie && isAbnormalToken(code))) return;
      try {
        const refreshed = await plain.auth.refresh.mutate(
          cookie ? {} : { refreshToken: ended.refreshToken },
          { signal: timeout() },
        );
        await logout(refreshed.accessToken);
      } catch {}
    }
  }

  return {
    trpc,
    session,
    transport,
    async login(input) {
      return session.signIn(received(await plain.auth.login.mutate(input, { signal: timeout() })));
    },
    async register(input) {
      return session.signIn(
        received(await plain.auth.register.mutate(input, { signal: timeout() })),
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
    restore: () => session.restore(),
    getState: () => session.getState(),
    subscribe: (listener) => session.subscribe(listener),
    close: () => session.close(),
  };
}

/** Codes that end a session here while the server's may live on. */
function isAbnormalToken(code: string | undefined): boolean {
  return code === 'TOKEN_INVALID' || code === 'TOKEN_MISSING';
}

function transportOf(options: LatchClientOptions): LatchTransport {
  if (options.transport === 'cookie' && options.storage) {
    throw new TypeError(
      'createLatchClient: `storage` holds body tokens; the cookie transport keeps nothing a script can read. Pass one or the other.',
    );
  }
  if (options.transport) return options.transport;
  const inBrowser = typeof (globalThis as { document?: unknown }).document !== 'undefined';
  return inBrowser && !options.storage ? 'cookie' : 'body';
}

/** The cookie goes with the auth calls even when the API is on another (CORS-listed) origin. */
function withCredentials(fetch: typeof globalThis.fetch | undefined): typeof globalThis.fetch {
  const base = fetch ?? ((input, init) => globalThis.fetch(input, init));
  return (input, init) => base(input, { ...init, credentials: 'include' });
}

/** Under the body transport this client keeps the refresh token, so the answer must carry it. */
function withRefreshToken<T extends SessionAnswer>(answer: T): T {
  if (typeof answer.refreshToken !== 'string') {
    throw new Error('The server answered without a refresh token (does it know the transport?).');
  }
  return answer;
}

/**
 * Under the cookie transport a refresh token in the JSON means the server ignored the opt-in (an
 * older server). It is dropped rather than kept in memory: against such a server the next refresh
 * ends the session with REFRESH_INVALID, which says what is wrong, instead of quietly running a
 * different session model than the one asked for.
 */
function withoutRefreshToken<T extends SessionAnswer>(answer: T): T {
  const { refreshToken: _ignored, ...rest } = answer;
  return rest as T;
}
