/**
 * Expiry math shared by every store. Pure: the Redis store mirrors these rules in Lua (one round
 * trip), the memory store calls them directly, and the contract suite holds both to them.
 */
/**
 * How many rotated-away refresh tokens a session remembers for reuse detection. Older ones are
 * still refused (REFRESH_INVALID) but no longer revoke the session; the bound keeps a client
 * that refreshes in a loop from growing its session without limit.
 */
export const RETIRED_HASHES_KEPT = 64;

/** Replay answers kept per session within one grace window (tabs, retries); more is abuse. */
export const GRACE_ANSWERS_KEPT = 16;

export interface SessionTimeouts {
  idleTimeoutMs: number;
  absoluteTimeoutMs: number;
  /** How long a revoked session's tombstone answers `SESSION_REVOKED` (≥ the access token TTL). */
  tombstoneMs: number;
  refreshReuseGraceMs: number;
}

/** When the session ends if nothing happens: the idle deadline, never past the absolute one. */
export function idleExpiresAt(
  lastActiveAt: number,
  absoluteExpiresAt: number,
  idleTimeoutMs: number,
): number {
  return Math.min(lastActiveAt + idleTimeoutMs, absoluteExpiresAt);
}

export function isSessionExpired(
  session: { lastActiveAt: number; absoluteExpiresAt: number },
  now: number,
  idleTimeoutMs: number,
): boolean {
  return now >= idleExpiresAt(session.lastActiveAt, session.absoluteExpiresAt, idleTimeoutMs);
}

/** A refresh token never outlives its session's absolute expiry. */
export function refreshExpiresAt(
  now: number,
  refreshTtlMs: number,
  absoluteExpiresAt: number,
): number {
  return Math.min(now + refreshTtlMs, absoluteExpiresAt);
}
