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
  /** Ends every session of the user but `except`; returns how many were alive. */
  revokeAll(userId: string, options?: { except?: string }): Promise<number>;
  /** The user's live sessions, oldest first. */
  list(userId: string, now: number): Promise<SessionListEntry[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export type AttemptVerdict = { allowed: true } | { allowed: false; retryAfterMs: number };

/** One attempt counter of a group: at most `limit` counts per fixed window of `windowMs`. */
export interface AttemptCounter {
  name: string;
  limit: number;
  windowMs: number;
}

/**
 * Attempt counters for rate limits (failed logins, registrations), kept beside the sessions.
 * The counters of one `group` (one client ip) live together, so one atomic step can check and
 * count several of them (one Redis Cluster slot).
 */
export interface RateLimitStore {
  /**
   * Counts one attempt on every counter, in advance, so parallel attempts cannot overshoot.
   * Refused — and nothing counted — when any of them is full; `retryAfterMs` says when the
   * fullest frees up.
   */
  consume(group: string, counters: readonly AttemptCounter[]): Promise<AttemptVerdict>;
  /**
   * After an attempt that should not count: `reset` counters start over, `refund` counters take
   * back one count (their window goes on).
   */
  forgive(
    group: string,
    changes: { reset?: readonly string[]; refund?: readonly string[] },
  ): Promise<void>;
}

/** Thrown by a store whose backend cannot be reached; surfaces as `AUTH_UNAVAILABLE`. */
export class StoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super('session store unavailable', { cause });
    this.name = 'StoreUnavailableError';
  }
}
