/**
 * Expiry math shared by every store. Pure: the Redis store mirrors these rules in Lua (one round
 * trip), the memory store calls them directly, and the contract suite holds both to them.
 */
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
