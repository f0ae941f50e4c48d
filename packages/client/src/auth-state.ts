import type { PublicUser, SessionEndReason } from '@latch/shared';

/**
 * Why a session ended: the server's `authCode` for a forced end, or `'LOGGED_OUT'` when the user
 * asked for it (`logout()`/`logoutAll()`, in this tab or another). Apps show a message for the
 * former and nothing for the latter.
 */
export type EndReason = SessionEndReason | 'LOGGED_OUT';

export interface SignedInState {
  status: 'signedIn';
  user: PublicUser;
  sessionId: string;
  /** Epoch ms (server clock) when the current access token stops being accepted. */
  accessTokenExpiresAt: number;
  /** Epoch ms after which the session cannot be refreshed any more. */
  refreshTokenExpiresAt: number;
}

export interface SignedOutState {
  status: 'signedOut';
  /** Why the last session of this client ended; `null` if none ended since it was created. */
  reason: EndReason | null;
}

/** What the app renders from. Tokens are deliberately not part of it. */
export type AuthState = SignedInState | SignedOutState;

export type AuthStateListener = (state: AuthState) => void;

/** The session `onSessionEnd` talks about (it is already gone from the client when called). */
export interface EndedSession {
  user: PublicUser;
  sessionId: string;
}

export type SessionEndHandler = (reason: EndReason, ended: EndedSession) => void;
