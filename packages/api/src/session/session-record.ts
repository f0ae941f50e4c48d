/** What the store keeps for one live session (times in epoch ms). */
export interface SessionRecord {
  id: string;
  userId: string;
  /** Kept with the session so the per-request check needs no database read. */
  username: string;
  createdAt: number;
  lastActiveAt: number;
  absoluteExpiresAt: number;
  ip: string | null;
  userAgent: string | null;
  /** How many times the refresh token rotated: the live token's generation (0 at login). */
  refreshGeneration: number;
  /** sha-256 (base64url) of the live refresh token's secret; the token itself is never stored. */
  refreshHash: string;
  refreshExpiresAt: number;
  /** The session's random key for refresh-token tags (see tokens/refresh-token.ts). */
  refreshTagKey: string;
}

/** Addresses one session: the user id is part of every key so one user's keys share a hash tag. */
export interface SessionRef {
  userId: string;
  sessionId: string;
}

/** The session fields a live check returns: enough for `auth.me` without a second read. */
export interface ActiveSession {
  id: string;
  userId: string;
  username: string;
  createdAt: number;
  lastActiveAt: number;
  absoluteExpiresAt: number;
}

export type SessionCheck =
  | { status: 'active'; session: ActiveSession }
  | { status: 'revoked' }
  | { status: 'expired' };

export type RefreshOutcome<T> =
  /** `tagKey`: the session's tag key, to tag the successor token (generation + 1). */
  | { status: 'rotated'; session: ActiveSession; tagKey: string }
  /** The presented token was the one rotated last, within the grace window: its first answer again. */
  | { status: 'grace'; result: T; session: ActiveSession; tagKey: string }
  /** An authentic token of an older generation: the session has been revoked. */
  | { status: 'reused' }
  | { status: 'invalid' }
  | { status: 'revoked' }
  | { status: 'expired' };

export interface RotateRequest<T> {
  /** The presented token's generation, secret hash and tag. */
  generation: number;
  presentedHash: string;
  presentedTag: string;
  /** The successor's (generation + 1) secret hash and expiry. */
  nextHash: string;
  nextExpiresAt: number;
  /** Kept for the grace window so a replay of the presented token gets the same answer. */
  result: T;
}

export type SessionListEntry = Pick<
  SessionRecord,
  'id' | 'createdAt' | 'lastActiveAt' | 'ip' | 'userAgent'
>;
