import type { AuthErrorCode } from '@latch/shared';

/** An auth failure with its SPEC code; the procedure layer turns it into a tRPC error. */
export class AuthError extends Error {
  override name = 'AuthError';
  readonly code: AuthErrorCode;
  readonly retryAfterMs: number | undefined;

  constructor(code: AuthErrorCode, options: { message?: string; retryAfterMs?: number } = {}) {
    super(options.message ?? defaultMessages[code]);
    this.code = code;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** A request that cannot be served for a reason that is not about authentication. */
export class RequestError extends Error {
  override name = 'RequestError';
  readonly kind: 'NOT_FOUND' | 'CONFLICT' | 'FORBIDDEN';

  constructor(kind: 'NOT_FOUND' | 'CONFLICT' | 'FORBIDDEN', message: string) {
    super(message);
    this.kind = kind;
  }
}

/**
 * A new password that breaks the policy. Shaped like a validation error (`issues`), so the error
 * formatter reports it as a field error beside zod's.
 */
export class PasswordPolicyError extends Error {
  override name = 'PasswordPolicyError';
  readonly issues: { path: string[]; message: string }[];

  constructor(field: string, message: string) {
    super(message);
    this.issues = [{ path: [field], message }];
  }
}

const defaultMessages: Record<AuthErrorCode, string> = {
  TOKEN_MISSING: 'Sign in first: no bearer token was sent.',
  TOKEN_INVALID: 'The access token is not valid.',
  TOKEN_EXPIRED: 'The access token has expired.',
  SESSION_EXPIRED: 'Your session has expired, please log in again.',
  SESSION_REVOKED: 'This session has been ended.',
  REFRESH_INVALID: 'The refresh token is not valid.',
  REFRESH_REUSED: 'The refresh token was already used; the session has been ended.',
  INVALID_CREDENTIALS: 'Wrong username or password.',
  RATE_LIMITED: 'Too many login attempts; try again later.',
  AUTH_UNAVAILABLE: 'Authentication is temporarily unavailable; try again shortly.',
};
