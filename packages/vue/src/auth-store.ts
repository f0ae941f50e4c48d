import { failureOf, type LatchClient } from '@latch/client';
import { type App, inject, reactive, readonly } from 'vue';
import type {
  AuthPort,
  AuthPortEvent,
  ChangePasswordInput,
  Credentials,
  Me,
  SessionInfo,
  SessionRow,
  User,
} from './auth-port.js';
import { type IdleDeadline, idleDeadlineFrom, slideDeadline } from './idle.js';
import { createLatchPort, type LatchPortOptions } from './latch-port.js';
import type { LoginNotice } from './login-notice.js';

/**
 * - `unknown`: tokens are stored but the server has not confirmed the session yet (page load);
 * - `signed-in`: the server confirmed it (or could not be asked and the tokens are still there);
 * - `signed-out`: no tokens.
 */
export type AuthStatus = 'unknown' | 'signed-in' | 'signed-out';

export interface AuthState {
  status: AuthStatus;
  user: User | null;
  session: SessionInfo | null;
  idle: IdleDeadline | null;
  /** Shown on the login page: why the user is there, if not by choice. */
  notice: LoginNotice | null;
  /** The last check could not reach the auth service; the session is kept and checked again. */
  unavailable: boolean;
}

export type AuthEvent =
  /** The session ended without the user asking (expired, revoked, bad token, another tab's logout). */
  | { type: 'ended'; notice: LoginNotice }
  /** The user logged out here (`logout()`, or `logoutAll()` with `everywhere`). */
  | { type: 'logged-out'; everywhere: boolean }
  /** Another tab signed in; `switchedUser` when this tab was signed in as someone else. */
  | { type: 'signed-in-elsewhere'; switchedUser: boolean };

/** Shares the idle deadline between tabs: activity in one tab keeps the others from warning. */
export interface IdleChannel {
  post(idle: IdleDeadline): void;
  listen(listener: (idle: IdleDeadline) => void): void;
}

export interface AuthStoreOptions {
  /** The clock the idle deadline is kept on (epoch ms). Default `Date.now`. */
  now?: () => number;
  /** How tabs share the idle deadline. Default: a BroadcastChannel where there is one; `null`: off. */
  idleChannel?: IdleChannel | null;
}

/**
 * The app's one place for auth state: a reactive object and the actions that change it, on any
 * `AuthPort` (`createLatchAuth()` makes one on a real client).
 */
export function createAuthStore(port: AuthPort, options: AuthStoreOptions = {}) {
  const now = options.now ?? Date.now;
  const channel = options.idleChannel === undefined ? broadcastIdleChannel() : options.idleChannel;
  const state = reactive<AuthState>({
    status: port.hasSession() ? 'unknown' : 'signed-out',
    user: port.hasSession() ? port.storedUser() : null,
    session: null,
    idle: null,
    notice: null,
    unavailable: false,
  });
  const listeners = new Set<(event: AuthEvent) => void>();
  let confirming: Promise<boolean> | null = null;
  /** Set while this tab logs out, so the client's own events for it are not taken as news. */
  let leaving = false;

  const emit = (event: AuthEvent) => {
    for (const listener of listeners) listener(event);
  };

  const setIdle = (idle: IdleDeadline | null, share = true) => {
    state.idle = idle;
    if (idle && share) channel?.post(idle);
  };

  channel?.listen((idle) => {
    if (state.status === 'signed-in' && state.idle && idle.deadline > state.idle.deadline) {
      setIdle(
        { ...state.idle, deadline: Math.min(idle.deadline, state.idle.absoluteDeadline) },
        false,
      );
    }
  });

  const applyMe = (me: Me, sentAt: number) => {
    state.user = me.user;
    state.session = me.session;
    state.status = 'signed-in';
    state.unavailable = false;
    setIdle(idleDeadlineFrom(me.session, sentAt, state.idle));
  };

  const clearSession = () => {
    state.status = 'signed-out';
    state.user = null;
    state.session = null;
    state.idle = null;
    state.unavailable = false;
    confirming = null;
  };

  const endSession = (notice: LoginNotice) => {
    clearSession();
    state.notice = notice;
    emit({ type: 'ended', notice });
  };

  const onPortEvent = (event: AuthPortEvent) => {
    if (leaving) return;
    switch (event.type) {
      case 'session-ended':
        endSession(
          event.reason === 'LOGGED_OUT'
            ? { kind: 'logged-out-elsewhere' }
            : { kind: 'session-ended', reason: event.reason },
        );
        break;
      case 'signed-in':
        // Another tab signed in: this one follows, and asks the server who it is now.
        if (state.user?.id !== event.userId || state.status === 'signed-out') {
          const wasSignedOut = state.status === 'signed-out';
          const switchedUser = !wasSignedOut && state.user !== null;
          clearSession();
          state.status = 'unknown';
          state.user = port.storedUser();
          if (wasSignedOut) state.notice = null;
          void ensureSession();
          emit({ type: 'signed-in-elsewhere', switchedUser });
        }
        break;
      case 'activity': {
        const slid = state.idle && slideDeadline(state.idle, event.sentAt);
        if (slid && slid !== state.idle) setIdle(slid);
        break;
      }
    }
  };
  port.subscribe(onPortEvent);

  /** `auth.me`: confirms the session, refreshes the user and the idle deadline (and slides it). */
  const loadMe = async (): Promise<Me> => {
    const sentAt = now();
    const me = await port.me();
    if (port.hasSession()) applyMe(me, sentAt);
    return me;
  };

  /**
   * Asks the server; `true` while the session lives. A failure that is not an "end session" code
   * (server unreachable, AUTH_UNAVAILABLE) keeps the session: `unavailable` says so.
   */
  const check = async (): Promise<boolean> => {
    try {
      await loadMe();
      return true;
    } catch (error) {
      if (!port.hasSession()) {
        if (state.status !== 'signed-out') clearSession();
        return false;
      }
      const failure = failureOf(error);
      state.unavailable = true;
      if (state.status === 'unknown') state.status = 'signed-in';
      console.warn(`latch: session check failed (${failure.authCode ?? failure.code})`);
      return true;
    }
  };

  /**
   * Once per page load: a session the browser has but the page does not hold yet (cookie
   * transport). A session found over tells the login page why; an unreachable server is tried
   * again on the next navigation.
   */
  let restored: Promise<void> | null = null;
  const restoreOnce = (): Promise<void> => {
    restored ??= port.restore().then(
      (ended) => {
        if (ended && ended !== 'LOGGED_OUT' && !port.hasSession()) {
          state.notice = { kind: 'session-ended', reason: ended };
        }
      },
      (error: unknown) => {
        restored = null;
        console.warn(`latch: could not restore the session (${failureOf(error).code})`);
      },
    );
    return restored;
  };

  /** For the router guard: is there a live session? Asks the server once per page load. */
  async function ensureSession(): Promise<boolean> {
    if (!port.hasSession()) await restoreOnce();
    if (!port.hasSession()) {
      if (state.status !== 'signed-out') clearSession();
      return Promise.resolve(false);
    }
    if (state.status === 'signed-in') return Promise.resolve(true);
    confirming ??= check().finally(() => {
      confirming = null;
    });
    return confirming;
  }

  return {
    state: readonly(state),

    ensureSession,

    async login(credentials: Credentials, mode: 'login' | 'register' = 'login'): Promise<User> {
      leaving = true;
      let result: Awaited<ReturnType<AuthPort['login']>>;
      try {
        result =
          mode === 'login' ? await port.login(credentials) : await port.register(credentials);
      } finally {
        leaving = false;
      }
      state.user = result.user;
      state.status = 'signed-in';
      state.notice = null;
      state.unavailable = false;
      await check();
      return result.user;
    },

    async logout(): Promise<void> {
      leaving = true;
      try {
        await port.logout();
      } finally {
        leaving = false;
        clearSession();
        state.notice = { kind: 'logged-out' };
        emit({ type: 'logged-out', everywhere: false });
      }
    },

    async logoutAll(): Promise<number> {
      leaving = true;
      try {
        const count = await port.logoutAll();
        clearSession();
        state.notice = { kind: 'logged-out-everywhere', count };
        emit({ type: 'logged-out', everywhere: true });
        return count;
      } finally {
        leaving = false;
        if (!port.hasSession() && state.status !== 'signed-out') clearSession();
      }
    },

    /** **Stay signed in**: one `auth.me` call, which slides the session on the server. */
    stay: check,
    /** The local idle deadline passed: let the server say whether the session is over. */
    checkSession: check,

    async sessions(): Promise<SessionRow[]> {
      return port.sessions();
    },

    async revokeSession(sessionId: string): Promise<void> {
      await port.revokeSession(sessionId);
    },

    async changePassword(input: ChangePasswordInput): Promise<void> {
      await port.changePassword(input);
    },

    clearNotice(): void {
      state.notice = null;
    },

    on(listener: (event: AuthEvent) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export type AuthStore = ReturnType<typeof createAuthStore>;

/**
 * A store on a real client: `createLatchPort(clientOptions)` + `createAuthStore`. `now` is the
 * clock of both: token expiry and the idle deadline.
 */
export function createLatchAuth(
  options: LatchPortOptions & AuthStoreOptions = {},
): AuthStore & { client: LatchClient } {
  const { now, idleChannel, ...clientOptions } = options;
  const port = createLatchPort({ ...clientOptions, ...(now && { now }) });
  const store = createAuthStore(port, {
    ...(now && { now }),
    ...(idleChannel !== undefined && { idleChannel }),
  });
  return Object.assign(store, { client: port.client });
}

const authKey = Symbol('latch-auth');

/** Makes `useAuth()` and the composables find `store` in this app. */
export function provideAuth(app: App, store: AuthStore): void {
  app.provide(authKey, store);
}

/** `app.use(authPlugin(store))`: the same as `provideAuth`, for test mounts and plugin lists. */
export function authPlugin(store: AuthStore) {
  return { install: (app: App) => provideAuth(app, store) };
}

/** The store provided to this app (inside `setup()` or a composable). */
export function useAuth(): AuthStore {
  const store = inject<AuthStore>(authKey);
  if (!store) throw new Error('useAuth() needs provideAuth(app, store) (or authPlugin) first');
  return store;
}

function broadcastIdleChannel(): IdleChannel | null {
  if (typeof BroadcastChannel === 'undefined') return null;
  const channel = new BroadcastChannel('latch:idle');
  return {
    post: (idle) => channel.postMessage(idle),
    listen: (listener) => {
      // Another script of the origin may post anything here: take only whole deadlines.
      channel.onmessage = (event: MessageEvent<unknown>) => {
        if (isIdleDeadline(event.data)) listener(event.data);
      };
    },
  };
}

function isIdleDeadline(value: unknown): value is IdleDeadline {
  if (typeof value !== 'object' || value === null) return false;
  const { deadline, absoluteDeadline, idleTimeoutMs } = value as Record<string, unknown>;
  return [deadline, absoluteDeadline, idleTimeoutMs].every(
    (n) => typeof n === 'number' && Number.isFinite(n),
  );
}
