import type {
  ChangePasswordInput,
  CredentialsInput,
  LoginOutput,
  MeOutput,
  PublicUser,
  RegisterInput,
  SessionListItem,
} from '@latch/shared';
import type { ActiveSession } from './session/session-record.js';

/** Where the request came from; recorded on the session and used by the rate limits. */
export interface RequestOrigin {
  ip: string | null;
  userAgent: string | null;
}

/** What the auth middleware puts on the context of a protected procedure. */
export interface Authenticated {
  user: PublicUser;
  session: ActiveSession;
}

/**
 * The flows the procedures call (implemented by `AuthService`). The tRPC context names this
 * interface rather than the class, so `AppRouter`'s type — which carries the context type — refers
 * to nothing server-only (stores, database, keys) and `@latch/client` can publish it inlined.
 */
export interface AuthFlows {
  register(input: RegisterInput, origin: RequestOrigin): Promise<LoginOutput>;
  login(input: CredentialsInput, origin: RequestOrigin): Promise<LoginOutput>;
  changePassword(
    auth: Authenticated,
    input: ChangePasswordInput,
    origin: RequestOrigin,
  ): Promise<void>;
  refresh(refreshToken: string): Promise<LoginOutput>;
  authenticate(authorization: string | undefined): Promise<Authenticated>;
  me(auth: Authenticated): MeOutput;
  logout(auth: Authenticated): Promise<void>;
  logoutAll(auth: Authenticated): Promise<number>;
  sessions(auth: Authenticated): Promise<SessionListItem[]>;
  revokeSession(auth: Authenticated, sessionId: string): Promise<void>;
}
