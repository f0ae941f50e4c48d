import type { StoredSession } from './stored-session.js';

/**
 * Whether to refresh before sending: the access token expires within `skewMs`. The window is at
 * most half the token's lifetime, so a server whose tokens live shorter than the skew (say
 * `ACCESS_TOKEN_TTL=60` against the default two minutes) does not get a refresh before every call.
 */
export function shouldRefresh(session: StoredSession, now: number, skewMs: number): boolean {
  const lifetime = session.accessTokenExpiresAt - session.receivedAt;
  const window = Math.min(skewMs, Math.max(0, lifetime) / 2);
  return session.accessTokenExpiresAt - now <= window;
}

/** Past `exp`: sending it is pointless (the server allows ≤ 1 s of tolerance, not more). */
export function isExpired(session: StoredSession, now: number): boolean {
  return session.accessTokenExpiresAt <= now;
}
