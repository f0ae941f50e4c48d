import { type AuthErrorCode, isAuthErrorCode } from '@latch/shared';
import { TRPCClientError } from '@trpc/client';

export interface AuthFailure {
  code: AuthErrorCode;
  /** With `RATE_LIMITED`: how long until a login attempt may succeed. */
  retryAfterMs: number | undefined;
  message: string;
}

/**
 * The auth failure inside an error thrown by any Latch call, or `undefined` when it is something
 * else (bad input, network down, a bug). Lets an app switch on `code` without knowing tRPC's
 * error shape.
 */
export function authErrorOf(error: unknown): AuthFailure | undefined {
  // By name too: an app may end up with a second copy of @trpc/client.
  if (!(error instanceof TRPCClientError) && (error as Error | null)?.name !== 'TRPCClientError') {
    return undefined;
  }
  const { data, message } = error as { data?: unknown; message: string };
  if (typeof data !== 'object' || data === null) return undefined;
  const { authCode, retryAfterMs } = data as { authCode?: unknown; retryAfterMs?: unknown };
  if (!isAuthErrorCode(authCode)) return undefined;
  return {
    code: authCode,
    retryAfterMs: typeof retryAfterMs === 'number' ? retryAfterMs : undefined,
    message,
  };
}

/** Thrown by calls that need a session (`refresh`, `logoutAll`) when there is none. */
export class SignedOutError extends Error {
  override name = 'SignedOutError';

  constructor(message = 'Not signed in.') {
    super(message);
  }
}
