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
  /** sha-256 (base64url) of the live refresh token's secret; the token itself is never stored. */
  refreshHash: string;
  refreshExpiresAt: number;
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
  | { status: 'rotated'; session: ActiveSession }
  /** The presented token was rotated less than the grace window ago: answer its first result again. */
  | { status: 'grace'; result: T; session: ActiveSession }
  | { status: 'reused' }
  | { status: 'invalid' }
  | { status: 'revoked' }
  | { status: 'expired' };

export interface RotateRequest<T> {
  presentedHash: string;
  nextHash: string;
  nextExpiresAt: number;
  /** Kept for the grace window so a replay of the presented token gets the same answer. */
  result: T;
}

export type SessionListEntry = Pick<
  SessionRecord,
  'id' | 'createdAt' | 'lastActiveAt' | 'ip' | 'userAgent'
>;
