import { type AuthErrorCode, isAuthErrorCode } from '@latch/shared';
import type { ErrorData } from './router-types.js';

/** What an app needs to know about any failed call, whatever threw it. */
export interface CallFailure {
  /** tRPC's code (`UNAUTHORIZED`, `BAD_REQUEST`, `NOT_FOUND`, …); `NETWORK` when no answer came. */
  code: ErrorData['code'] | 'NETWORK';
  /** Set for auth failures: exactly what happened (see the README's errors table). */
  authCode: AuthErrorCode | undefined;
  /** With `RATE_LIMITED`: how long until a login attempt may succeed. */
  retryAfterMs: number | undefined;
  /** With `BAD_REQUEST`: the server's messages by field path (`{ password: ['Too small: …'] }`). */
  fieldErrors: Record<string, string[]>;
  message: string;
}

/**
 * Reads any error a call threw — a `TRPCClientError` with the server's `error.data`, or a network
 * failure with none — into one shape, without depending on tRPC's classes (an app may hold a
 * second copy of them). `authErrorOf()` is the narrower question "was it an auth failure?".
 */
export function failureOf(error: unknown): CallFailure {
  const message = error instanceof Error ? error.message : String(error);
  const data = dataOf(error);
  if (!data) {
    return {
      code: 'NETWORK',
      authCode: undefined,
      retryAfterMs: undefined,
      fieldErrors: {},
      message,
    };
  }
  return {
    code: data.code,
    authCode: isAuthErrorCode(data.authCode) ? data.authCode : undefined,
    retryAfterMs: typeof data.retryAfterMs === 'number' ? data.retryAfterMs : undefined,
    fieldErrors: isFieldErrors(data.fieldErrors) ? data.fieldErrors : {},
    message,
  };
}

/** The server's `error.data`, if the error carries one (tRPC's always has a string `code`). */
function dataOf(error: unknown): (Partial<ErrorData> & Pick<ErrorData, 'code'>) | undefined {
  if (!error || typeof error !== 'object' || !('data' in error)) return undefined;
  const data = (error as { data: unknown }).data;
  if (!data || typeof data !== 'object' || typeof (data as { code?: unknown }).code !== 'string') {
    return undefined;
  }
  return data as Partial<ErrorData> & Pick<ErrorData, 'code'>;
}

function isFieldErrors(value: unknown): value is Record<string, string[]> {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.values(value).every(
      (messages) => Array.isArray(messages) && messages.every((m) => typeof m === 'string'),
    )
  );
}
