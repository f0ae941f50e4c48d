/**
 * Every auth failure carries one of these codes in `error.data.authCode`, so a client can act on
 * exactly what happened instead of guessing from an HTTP status.
 */
export const AuthErrorCode = {
  TOKEN_MISSING: 'TOKEN_MISSING',
  TOKEN_INVALID: 'TOKEN_INVALID',
  TOKEN_EXPIRED: 'TOKEN_EXPIRED',
  SESSION_EXPIRED: 'SESSION_EXPIRED',
  SESSION_REVOKED: 'SESSION_REVOKED',
  REFRESH_INVALID: 'REFRESH_INVALID',
  REFRESH_REUSED: 'REFRESH_REUSED',
  INVALID_CREDENTIALS: 'INVALID_CREDENTIALS',
  RATE_LIMITED: 'RATE_LIMITED',
  AUTH_UNAVAILABLE: 'AUTH_UNAVAILABLE',
} as const;

export type AuthErrorCode = (typeof AuthErrorCode)[keyof typeof AuthErrorCode];

/** The tRPC error code (and so the HTTP status) each auth code travels with. */
export const authErrorTrpcCode = {
  TOKEN_MISSING: 'UNAUTHORIZED',
  TOKEN_INVALID: 'UNAUTHORIZED',
  TOKEN_EXPIRED: 'UNAUTHORIZED',
  SESSION_EXPIRED: 'UNAUTHORIZED',
  SESSION_REVOKED: 'UNAUTHORIZED',
  REFRESH_INVALID: 'UNAUTHORIZED',
  REFRESH_REUSED: 'UNAUTHORIZED',
  INVALID_CREDENTIALS: 'UNAUTHORIZED',
  RATE_LIMITED: 'TOO_MANY_REQUESTS',
  AUTH_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
} as const satisfies Record<AuthErrorCode, string>;

/** Codes after which the session is gone for good: the client clears its tokens and tells the app. */
export const SESSION_ENDING_CODES = [
  'TOKEN_MISSING',
  'TOKEN_INVALID',
  'SESSION_EXPIRED',
  'SESSION_REVOKED',
  'REFRESH_INVALID',
  'REFRESH_REUSED',
] as const satisfies readonly AuthErrorCode[];

export type SessionEndReason = (typeof SESSION_ENDING_CODES)[number];

export function isSessionEndingCode(code: unknown): code is SessionEndReason {
  return (SESSION_ENDING_CODES as readonly unknown[]).includes(code);
}

export function isAuthErrorCode(code: unknown): code is AuthErrorCode {
  return typeof code === 'string' && Object.hasOwn(AuthErrorCode, code);
}

/** What the error formatter adds to a tRPC error's `data` (absent for non-auth errors). */
export interface AuthErrorData {
  authCode?: AuthErrorCode;
  /** Set with `RATE_LIMITED`: how long until a login attempt may succeed. */
  retryAfterMs?: number;
}
