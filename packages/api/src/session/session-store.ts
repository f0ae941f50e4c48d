import type {
  RefreshOutcome,
  RotateRequest,
  SessionCheck,
  SessionListEntry,
  SessionRecord,
  SessionRef,
} from './session-record.js';

/**
 * Where sessions live. Every method is atomic on its own: implementations must not let two
 * concurrent calls observe a half-applied change (the Redis store runs each as one Lua script).
 */
export interface SessionStore {
  readonly kind: 'redis' | 'memory';
  /** Stores a new session; with `replaceOthers` the user's other sessions are revoked first. */
  create(session: SessionRecord, options: { replaceOthers: boolean }): Promise<void>;
  /** The per-request check: alive, not idle, not past its lifetime; then slides `lastActiveAt`. */
  touch(ref: SessionRef, now: number): Promise<SessionCheck>;
  /** The same check without sliding: for answers about tokens that are refused anyway. */
  peek(ref: SessionRef, now: number): Promise<SessionCheck>;
  /** Rotates the refresh token if `presentedHash` is the live one; see `RefreshOutcome`. */
  rotateRefresh<T>(
    ref: SessionRef,
    request: RotateRequest<T>,
    now: number,
  ): Promise<RefreshOutcome<T>>;
  /** Ends one session, leaving a tombstone. False when it was not alive. */
  revoke(ref: SessionRef): Promise<boolean>;
  /** Ends every session of the user; returns how many were alive. */
  revokeAll(userId: string): Promise<number>;
  /** The user's live sessions, oldest first. */
  list(userId: string, now: number): Promise<SessionListEntry[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export type AttemptVerdict = { allowed: true } | { allowed: false; retryAfterMs: number };

/** Failed-login counting per (ip, username), kept beside the sessions. */
export interface LoginAttemptStore {
  /**
   * Counts one attempt in advance (so parallel guesses cannot overshoot the limit).
   * Refused when `limit` attempts are already counted in the window.
   */
  consume(key: string, limit: number, windowMs: number): Promise<AttemptVerdict>;
  /** A successful login forgives this key's attempts. */
  reset(key: string): Promise<void>;
}

/** Thrown by a store whose backend cannot be reached; surfaces as `AUTH_UNAVAILABLE`. */
export class StoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super('session store unavailable', { cause });
    this.name = 'StoreUnavailableError';
  }
}
