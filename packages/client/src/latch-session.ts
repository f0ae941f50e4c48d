import type { LoginOutput, SessionEndReason } from '@latch/shared';
import { isSessionEndingCode } from '@latch/shared';
import type { Operation } from '@trpc/client';
import { authErrorOf, SignedOutError } from './auth-errors.js';
import type {
  AuthState,
  AuthStateListener,
  EndReason,
  SessionEndHandler,
  SignedInState,
} from './auth-state.js';
import { isExpired, shouldRefresh } from './refresh-policy.js';
import { parseSession, type StoredSession, serializeSession } from './stored-session.js';
import { openTabChannel, type TabChannel, type TabMessage } from './tab-channel.js';
import { withTabLock } from './tab-lock.js';
import type { TokenStorage } from './token-storage.js';

/** A login, register or refresh answer; without `refreshToken` under the cookie transport. */
export type SessionAnswer = Omit<LoginOutput, 'refreshToken'> & { refreshToken?: string };

/** The one server call the session makes itself; sent without the auth link so it can't recurse. */
export interface RefreshTransport {
  /**
   * `auth.refresh` with this refresh token, or with none: the cookie transport's browser sends
   * its cookie instead.
   */
  refresh(refreshToken: string | undefined, signal: AbortSignal): Promise<SessionAnswer>;
  /** Whether a session can exist that this client does not hold yet (the cookie transport). */
  readonly restores?: boolean;
}

export interface TabSyncOptions {
  /** Names the Web Lock and BroadcastChannel; tabs with the same name share one session. */
  name?: string;
  /** How long a tab waits for another tab's refresh before refreshing itself. */
  lockTimeoutMs?: number;
}

export interface LatchSessionOptions {
  storage: TokenStorage;
  transport: RefreshTransport;
  onSessionEnd?: SessionEndHandler | undefined;
  /** Called first when this tab ended a session for a server's answer, with what it held. */
  onEndedByServer?: ((reason: SessionEndReason, ended: StoredSession) => void) | undefined;
  refreshSkewMs: number;
  /** `undefined`: on when the session is shared between tabs (`sharedAs`). */
  tabSync?: boolean | TabSyncOptions | undefined;
  /**
   * Set when every tab of the origin has the same session: shared storage (default
   * `storage.sharedAs`) or the browser's one cookie jar. Names the tab lock and channel.
   */
  sharedAs?: string | undefined;
  /** The clock compared with token expiry times (epoch ms). */
  now?: (() => number) | undefined;
  /** Gives up on a refresh request after this long (the tab lock is held meanwhile). */
  refreshTimeoutMs?: number | undefined;
}

/** What a request was sent with: the auth link acts on an answer only for that session/token. */
export interface SentWith {
  sessionId: string;
  accessToken: string;
}

const DEFAULT_LOCK_TIMEOUT_MS = 20_000;
const DEFAULT_REFRESH_TIMEOUT_MS = 15_000;
/** How long a tab that waited for the refresh lock looks for the holder's result before refreshing. */
const TAB_UPDATE_WAIT_MS = 500;
const TAB_UPDATE_POLL_MS = 10;

/**
 * The session behind a Latch client: its tokens, the state the app sees, the single-flight
 * refresh, and the rule that a session ends exactly once. The auth link and the client's methods
 * are thin layers over it.
 */
export class LatchSession {
  readonly #storage: TokenStorage;
  readonly #transport: RefreshTransport;
  readonly #onSessionEnd: SessionEndHandler | undefined;
  readonly #onEndedByServer: LatchSessionOptions['onEndedByServer'];
  readonly #skewMs: number;
  readonly #now: () => number;
  readonly #refreshTimeoutMs: number;
  readonly #lock: { name: string; timeoutMs: number } | undefined;
  readonly #channel: TabChannel | undefined;
  readonly #sharedAs: string | undefined;
  readonly #listeners = new Set<AuthStateListener>();
  /** Sessions that ended here or in another tab: never adopted again from storage or a message. */
  readonly #ended = new Set<string>();
  /** Per operation context: the token its request carried (set by `headers` at send time). */
  readonly #sent = new WeakMap<object, SentWith>();
  #current: StoredSession | null;
  #state: AuthState;
  #refreshing: Promise<void> | undefined;
  #restoring: Promise<void> | undefined;
  #loggingOutEverywhere: string | undefined;

  constructor(options: LatchSessionOptions) {
    this.#storage = options.storage;
    this.#transport = options.transport;
    this.#onSessionEnd = options.onSessionEnd;
    this.#onEndedByServer = options.onEndedByServer;
    this.#skewMs = options.refreshSkewMs;
    this.#now = options.now ?? Date.now;
    this.#refreshTimeoutMs = options.refreshTimeoutMs ?? DEFAULT_REFRESH_TIMEOUT_MS;
    this.#current = this.#readStorage();
    this.#state = stateOf(this.#current, null);

    this.#sharedAs = options.sharedAs ?? this.#storage.sharedAs;
    const sync = options.tabSync ?? this.#sharedAs !== undefined;
    if (sync !== false) {
      const settings = typeof sync === 'object' ? sync : {};
      const name = settings.name ?? this.#sharedAs ?? 'latch.session';
      this.#lock = {
        name: `latch-refresh:${name}`,
        timeoutMs: settings.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
      };
      this.#channel = openTabChannel(`latch:${name}`, (message) => this.#onTabMessage(message));
    }
  }

  getState(): AuthState {
    return this.#state;
  }

  subscribe(listener: AuthStateListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The current session's id, if signed in. */
  get sessionId(): string | undefined {
    return this.#current?.sessionId;
  }

  /**
   * The `headers` option of `httpBatchLink`/`httpLink`: the bearer token as it is at send time,
   * remembered per operation so the auth link knows which token an answer is about.
   */
  readonly headers = (
    opts: { opList: readonly Operation[] } | { op: Operation },
  ): Record<string, string> => {
    const current = this.#current;
    if (!current) return {};
    const sent = { sessionId: current.sessionId, accessToken: current.accessToken };
    for (const op of 'opList' in opts ? opts.opList : [opts.op]) this.#sent.set(op.context, sent);
    return { authorization: `Bearer ${current.accessToken}` };
  };

  /** What `headers` recorded for this operation context. */
  sentWith(context: object): SentWith | undefined {
    return this.#sent.get(context);
  }

  /** What would be sent now (the auth link's fallback when a custom link dropped the context). */
  currentToken(): SentWith | undefined {
    const current = this.#current;
    if (!current) return undefined;
    return { sessionId: current.sessionId, accessToken: current.accessToken };
  }

  /** Before a request: refresh first when the access token expires within the skew. */
  async beforeSend(): Promise<void> {
    const current = this.#current;
    if (!current || !shouldRefresh(current, this.#now(), this.#skewMs)) return;
    try {
      await this.refresh();
    } catch (error) {
      // A proactive refresh that failed (store down, network) is no reason to fail a request
      // whose token is still good; an ended session or an expired token is.
      const still = this.#current;
      if (still?.sessionId === current.sessionId && !isExpired(still, this.#now())) return;
      throw error;
    }
  }

  /**
   * After a `TOKEN_EXPIRED` answer: refresh unless another request already did, and say whether
   * the request should be sent again. The auth link asks this at most once per request.
   */
  async afterTokenExpired(sent: SentWith | undefined): Promise<boolean> {
    const current = this.#current;
    if (!current || !sent || current.sessionId !== sent.sessionId) return false;
    if (current.accessToken === sent.accessToken) await this.refresh();
    return true;
  }

  /** After a session-ending answer to a request sent with `sent`. */
  endedByServer(sent: SentWith | undefined, code: SessionEndReason): void {
    const current = this.#current;
    if (!current || !sent || current.sessionId !== sent.sessionId) return;
    // Our own logoutAll revoking this session is the user's doing, not a forced end.
    const byUser = code === 'SESSION_REVOKED' && this.#loggingOutEverywhere === current.sessionId;
    if (!byUser) callSafely(() => this.#onEndedByServer?.(code, current));
    this.#end(byUser ? 'LOGGED_OUT' : code);
  }

  /**
   * Rotates the tokens now. Single flight: callers during a refresh share it. Across tabs (Web
   * Locks) one tab refreshes while the others wait, then take its result from storage.
   */
  refresh(): Promise<void> {
    this.#refreshing ??= this.#refreshOnce().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  /**
   * Takes up the session the browser's cookie carries (cookie transport), when this client holds
   * none: one `auth.refresh` under the tab lock, so tabs opening at once share one. A refused
   * refresh means there is none (the state's `reason` says why, unless there simply was no
   * cookie); a failure to reach the server rejects and leaves the next call to try again.
   */
  async restore(): Promise<AuthState> {
    if (this.#current || !this.#transport.restores) return this.#state;
    this.#restoring ??= this.#restoreOnce().finally(() => {
      this.#restoring = undefined;
    });
    await this.#restoring;
    return this.#state;
  }

  /** Stores a login/register answer as the current session. */
  signIn(output: SessionAnswer): SignedInState {
    const session: StoredSession = { ...output, receivedAt: this.#now() };
    this.#store(session);
    return stateOf(session, null) as SignedInState;
  }

  /**
   * Ends the current session here (and in the other tabs) and returns it, so the caller can still
   * tell the server; `undefined` if there was none, or `expectedSessionId` is no longer current.
   */
  endLocally(reason: EndReason, expectedSessionId?: string): StoredSession | undefined {
    const current = this.#current;
    if (!current || (expectedSessionId && current.sessionId !== expectedSessionId)) return;
    this.#end(reason);
    return current;
  }

  /** Marks a running `logoutAll` so the revocations it causes end this session as 'LOGGED_OUT'. */
  loggingOutEverywhere(sessionId: string | undefined): void {
    this.#loggingOutEverywhere = sessionId;
  }

  close(): void {
    this.#channel?.close();
    this.#listeners.clear();
  }

  async #refreshOnce(): Promise<void> {
    const start = this.#current;
    if (!start) throw new SignedOutError();
    const run = async (contended: boolean) => {
      // Another tab may have rotated the tokens while this one waited for the lock: use its
      // result rather than replaying the old refresh token. Its message (or its write to shared
      // storage) can reach this tab a moment after the lock does, so after a wait give it that
      // moment.
      if (contended) await this.#awaitTabUpdate(start);
      this.#adoptStorage();
      const base = this.#current;
      if (!base) throw new SignedOutError('The session ended during the refresh.');
      if (
        base.accessToken !== start.accessToken &&
        !shouldRefresh(base, this.#now(), this.#skewMs)
      ) {
        return;
      }

      let pair: SessionAnswer;
      try {
        const signal = AbortSignal.timeout(this.#refreshTimeoutMs);
        pair = await this.#transport.refresh(base.refreshToken, signal);
      } catch (error) {
        const code = authErrorOf(error)?.code;
        if (isSessionEndingCode(code) && this.#current?.sessionId === base.sessionId) {
          this.#end(code);
        }
        throw error;
      }
      const current = this.#current;
      if (!current) throw new SignedOutError('The session ended during the refresh.');
      // Replaced by a login meanwhile: this answer belongs to a session nobody uses any more.
      if (current.sessionId !== base.sessionId) return;
      this.#store({ ...current, ...pair, receivedAt: this.#now() });
    };
    return this.#withLock(run);
  }

  async #restoreOnce(): Promise<void> {
    const run = async (contended: boolean) => {
      // A tab that waited most likely waited for another tab's restore or refresh: take its result.
      if (contended) await this.#awaitTabUpdate(null);
      if (this.#current) return;
      let answer: SessionAnswer;
      try {
        answer = await this.#transport.refresh(
          undefined,
          AbortSignal.timeout(this.#refreshTimeoutMs),
        );
      } catch (error) {
        const code = authErrorOf(error)?.code;
        if (code === undefined) throw error;
        // No cookie (REFRESH_INVALID) is simply no session; a dead one is worth telling the user.
        const reason = isSessionEndingCode(code) && code !== 'REFRESH_INVALID' ? code : null;
        if (!this.#current) this.#setState({ status: 'signedOut', reason });
        return;
      }
      // A login here, or another tab's session, may have arrived meanwhile; a session that ended
      // here must not come back.
      if (this.#current || this.#ended.has(answer.sessionId)) return;
      this.#store({ ...answer, receivedAt: this.#now() });
    };
    return this.#withLock(run);
  }

  #withLock(run: (contended: boolean) => Promise<void>): Promise<void> {
    return this.#lock ? withTabLock(this.#lock.name, this.#lock.timeoutMs, run) : run(false);
  }

  /** Resolves once the session is no longer `start` (rotated, replaced or ended), or after a bound. */
  async #awaitTabUpdate(start: StoredSession | null): Promise<void> {
    // Real time, not the injectable session clock: this bounds a wait, it judges no token.
    const deadline = Date.now() + TAB_UPDATE_WAIT_MS;
    while (this.#current === start && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, TAB_UPDATE_POLL_MS));
      this.#adoptStorage();
    }
  }

  #store(session: StoredSession): void {
    this.#current = session;
    this.#write(session);
    this.#setState(stateOf(session, null));
    this.#channel?.post({ type: 'updated', session });
  }

  /** Ends the current session: exactly once, whatever ended it and however many requests saw it. */
  #end(reason: EndReason, { broadcast = true } = {}): void {
    const ended = this.#current;
    if (!ended) return;
    this.#ended.add(ended.sessionId);
    this.#current = null;
    // Leave a session another tab has meanwhile signed in alone; remove ours or junk.
    const stored = parseSession(this.#safeGet());
    if (!stored || stored.sessionId === ended.sessionId) this.#safeRemove();
    this.#setState({ status: 'signedOut', reason });
    if (broadcast) this.#channel?.post({ type: 'ended', sessionId: ended.sessionId, reason });
    if (this.#onSessionEnd) {
      const info = { user: ended.user, sessionId: ended.sessionId };
      callSafely(() => this.#onSessionEnd?.(reason, info));
    }
  }

  #onTabMessage(message: TabMessage): void {
    if (message.type === 'ended') {
      this.#ended.add(message.sessionId);
      if (this.#current?.sessionId === message.sessionId) {
        this.#end(message.reason, { broadcast: false });
      }
      return;
    }
    const incoming = message.session;
    const current = this.#current;
    if (current?.sessionId === incoming.sessionId) {
      // Another tab refreshed our session: take the newer tokens (also into a per-tab storage,
      // so a duplicated tab never replays a rotated refresh token).
      if (incoming.accessTokenExpiresAt > current.accessTokenExpiresAt) this.#adopt(incoming);
      return;
    }
    // A login elsewhere. With shared storage every tab follows it: take it from the message, not
    // from storage, whose cross-tab view may lag the other tab's write (Chromium syncs its
    // per-process localStorage caches asynchronously). A per-tab storage keeps its own session.
    if (this.#sharedAs !== undefined) this.#adopt(incoming);
  }

  /** Takes the stored session if it is newer than (or replaces) the one in memory. */
  #adoptStorage(): void {
    const stored = this.#readStorage();
    const current = this.#current;
    if (!stored) return;
    if (
      current?.sessionId !== stored.sessionId ||
      stored.accessTokenExpiresAt > current.accessTokenExpiresAt
    ) {
      this.#adopt(stored);
    }
  }

  #adopt(session: StoredSession): void {
    if (this.#ended.has(session.sessionId)) return;
    this.#current = session;
    this.#write(session);
    this.#setState(stateOf(session, null));
  }

  /** The stored session, or `null` for none or junk (which is removed). */
  #readStorage(): StoredSession | null {
    const raw = this.#safeGet();
    const session = parseSession(raw);
    if (raw !== null && !session) this.#safeRemove();
    if (session && this.#ended.has(session.sessionId)) return null;
    return session;
  }

  #write(session: StoredSession): void {
    const raw = serializeSession(session);
    if (this.#safeGet() === raw) return;
    try {
      this.#storage.set(raw);
    } catch {
      // A storage that can't write (quota, privacy mode) leaves the session in memory only.
    }
  }

  #safeGet(): string | null {
    try {
      return this.#storage.get();
    } catch {
      return null;
    }
  }

  #safeRemove(): void {
    try {
      this.#storage.remove();
    } catch {}
  }

  #setState(next: AuthState): void {
    if (sameState(this.#state, next)) return;
    this.#state = next;
    for (const listener of [...this.#listeners]) callSafely(() => listener(next));
  }
}

function stateOf(session: StoredSession | null, reason: EndReason | null): AuthState {
  if (!session) return { status: 'signedOut', reason };
  return {
    status: 'signedIn',
    user: session.user,
    sessionId: session.sessionId,
    accessTokenExpiresAt: session.accessTokenExpiresAt,
    refreshTokenExpiresAt: session.refreshTokenExpiresAt,
  };
}

function sameState(a: AuthState, b: AuthState): boolean {
  if (a.status === 'signedOut' || b.status === 'signedOut') {
    return (
      a.status === b.status &&
      (a as { reason: unknown }).reason === (b as { reason: unknown }).reason
    );
  }
  return (
    a.sessionId === b.sessionId &&
    a.user.id === b.user.id &&
    a.user.username === b.user.username &&
    a.accessTokenExpiresAt === b.accessTokenExpiresAt &&
    a.refreshTokenExpiresAt === b.refreshTokenExpiresAt
  );
}

/** An app callback that throws must not leave the session half-updated; rethrow it later. */
function callSafely(callback: () => void): void {
  try {
    callback();
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}
