import { type AuthErrorCode, isAuthErrorCode } from '@latch/shared';
import type { ApiErrorData } from './types';

/** What the app needs to know about a failed call, whatever threw it. */
export interface ApiFailure {
  /** tRPC code (`UNAUTHORIZED`, `BAD_REQUEST`, `NOT_FOUND`, …); `NETWORK` when no answer came. */
  code: string;
  authCode: AuthErrorCode | undefined;
  retryAfterMs: number | undefined;
  fieldErrors: Record<string, string[]>;
  message: string;
}

/**
 * Reads a `TRPCClientError` (or anything else thrown by a call) without depending on the client
 * library's classes: the server's error formatter puts the codes in `error.data`.
 */
export function readApiFailure(error: unknown): ApiFailure {
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
  const fieldErrors =
    'fieldErrors' in data && data.fieldErrors && typeof data.fieldErrors === 'object'
      ? (data.fieldErrors as Record<string, string[]>)
      : {};
  return {
    code: typeof data.code === 'string' ? data.code : 'UNKNOWN',
    authCode: isAuthErrorCode(data.authCode) ? data.authCode : undefined,
    retryAfterMs: typeof data.retryAfterMs === 'number' ? data.retryAfterMs : undefined,
    fieldErrors,
    message,
  };
}

function dataOf(error: unknown): Partial<ApiErrorData> | undefined {
  if (!error || typeof error !== 'object' || !('data' in error)) return undefined;
  const data = (error as { data: unknown }).data;
  return data && typeof data === 'object' ? (data as Partial<ApiErrorData>) : undefined;
}
