import type { AuthErrorCode, SessionEndReason } from '@latch/client';
import { isSessionEndingCode } from '@latch/shared';
import type {
  AuthPort,
  AuthPortEvent,
  ChangePasswordInput,
  Credentials,
  Me,
  SessionRow,
  User,
} from '@latch/vue';

/** An error shaped like the client's TRPCClientError, with the server formatter's `data`. */
export function apiError(
  code: string,
  data: {
    authCode?: AuthErrorCode;
    retryAfterMs?: number;
    fieldErrors?: Record<string, string[]>;
  } = {},
): Error {
  return Object.assign(new Error(`${code} ${data.authCode ?? ''}`.trim()), {
    name: 'TRPCClientError',
    data: { code, httpStatus: 400, path: 'auth.login', ...data },
  });
}

export const alice: User = { id: 'u1', username: 'alice' };

export function meFor(user: User, now = Date.now(), idleMs = 1_800_000): Me {
  return {
    user,
    session: {
      id: 's1',
      createdAt: now - 60_000,
      lastActiveAt: now,
      idleExpiresAt: now + idleMs,
      absoluteExpiresAt: now + 7 * 86_400_000,
    },
  };
}

/**
 * The client, faked: a stored session or none, answers the test sets, and the client's behaviour
 * on a session-ending answer (tokens cleared, `onSessionEnd` called, then the call fails).
 */
export class FakePort implements AuthPort {
  user: User | null = null;
  listeners = new Set<(event: AuthPortEvent) => void>();
  calls: string[] = [];
  loginResult: (credentials: Credentials) => Promise<{ user: User }> = async () => {
    this.user = alice;
    return { user: alice };
  };
  meResult: () => Promise<Me> = async () => meFor(this.user ?? alice);
  sessionsResult: () => Promise<SessionRow[]> = async () => [];

  constructor(signedInAs: User | null = null) {
    this.user = signedInAs;
  }

  hasSession = () => this.user !== null;
  restore = async () => null;
  storedUser = () => this.user;

  login = (credentials: Credentials) => {
    this.calls.push(`login:${credentials.username}`);
    return this.loginResult(credentials);
  };
  register = (credentials: Credentials) => {
    this.calls.push(`register:${credentials.username}`);
    return this.loginResult(credentials);
  };
  logout = async () => {
    this.calls.push('logout');
    this.endSession('LOGGED_OUT');
  };
  logoutAll = async () => {
    this.calls.push('logoutAll');
    this.endSession('LOGGED_OUT');
    return 3;
  };
  me = async () => {
    this.calls.push('me');
    return this.guarded(this.meResult);
  };
  sessions = async () => {
    this.calls.push('sessions');
    return this.guarded(this.sessionsResult);
  };
  revokeSession = async (sessionId: string) => {
    this.calls.push(`revoke:${sessionId}`);
  };
  changePasswordResult: (input: ChangePasswordInput) => Promise<void> = async () => {};
  changePassword = (input: ChangePasswordInput) => {
    this.calls.push(`changePassword:${input.currentPassword}->${input.newPassword}`);
    return this.guarded(() => this.changePasswordResult(input));
  };
  subscribe(listener: (event: AuthPortEvent) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** What the real client does with a session-ending answer. */
  endSession(reason: SessionEndReason | 'LOGGED_OUT') {
    if (!this.user) return;
    this.user = null;
    this.emit({ type: 'session-ended', reason });
  }

  emit(event: AuthPortEvent) {
    for (const listener of this.listeners) listener(event);
  }

  /** Makes the next calls answer with a session-ending code. */
  failWith(reason: SessionEndReason) {
    this.meResult = async () => {
      throw apiError('UNAUTHORIZED', { authCode: reason });
    };
    this.sessionsResult = this.meResult as unknown as () => Promise<SessionRow[]>;
  }

  private async guarded<T>(answer: () => Promise<T>): Promise<T> {
    try {
      return await answer();
    } catch (error) {
      const authCode = (error as { data?: { authCode?: string } }).data?.authCode;
      if (authCode && isSessionEndingCode(authCode)) this.endSession(authCode);
      throw error;
    }
  }
}
