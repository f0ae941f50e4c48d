import type { EndReason, RouterInputs, RouterOutputs } from '@latch/client';

/** Every shape the store holds comes from the router's own types: no hand-written copies. */
export type Credentials = RouterInputs['auth']['login'];
export type Me = RouterOutputs['auth']['me'];
export type User = Me['user'];
export type SessionInfo = Me['session'];
export type SessionRow = RouterOutputs['auth']['sessions'][number];
export type ChangePasswordInput = RouterInputs['auth']['changePassword'];

/**
 * Everything the store needs from a Latch client, in one narrow interface. `createLatchPort()`
 * implements it with `@latch/client`; an app's component tests can implement it with a fake.
 */
export interface AuthPort {
  /** Whether this page holds a session (it may still turn out to be dead on the next call). */
  hasSession(): boolean;
  /** The user the stored session belongs to, when the client remembers it. */
  storedUser(): User | null;
  /**
   * Takes up a session the browser has but this page does not hold yet (the cookie transport,
   * after a reload or in a new tab). Resolves with why that session is over, if it is; rejects
   * when the server can't be reached.
   */
  restore(): Promise<EndReason | null>;
  login(credentials: Credentials): Promise<{ user: User }>;
  register(credentials: Credentials): Promise<{ user: User }>;
  /** Ends this session on the server (best effort) and clears the stored tokens. */
  logout(): Promise<void>;
  /** Ends every session of the user; resolves with how many were ended. */
  logoutAll(): Promise<number>;
  /** `auth.me`: also slides the session's idle deadline on the server. */
  me(): Promise<Me>;
  sessions(): Promise<SessionRow[]>;
  revokeSession(sessionId: string): Promise<void>;
  /** `auth.changePassword`: the server ends every other session of the user; this one stays. */
  changePassword(input: ChangePasswordInput): Promise<void>;
  /** Client events; returns the unsubscribe function. */
  subscribe(listener: (event: AuthPortEvent) => void): () => void;
}

export type AuthPortEvent =
  /**
   * The client ended the session: an "end session" code, or `LOGGED_OUT` for a logout (this tab's
   * own, or another tab's).
   */
  | { type: 'session-ended'; reason: EndReason }
  /** Another tab signed in (possibly as someone else): the stored session is now this user's. */
  | { type: 'signed-in'; userId: string }
  /** A protected call or a refresh was accepted: the server moved `lastActiveAt` to about `sentAt`. */
  | { type: 'activity'; sentAt: number };
