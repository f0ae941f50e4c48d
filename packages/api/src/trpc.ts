import { type AuthErrorData, authErrorTrpcCode } from '@latch/shared';
import { initTRPC, TRPCError } from '@trpc/server';
import { en } from 'zod/locales';
import { config } from 'zod/mini';
import type { Authenticated, AuthFlows, RequestOrigin } from './auth-flows.js';
import { AuthError, PasswordPolicyError, RequestError } from './errors.js';
import type { RefreshCookie } from './refresh-cookie.js';
import { StoreUnavailableError } from './session/session-store.js';

// The shared schemas are zod/mini, which has no messages of its own (the client stays small); the
// server words the field errors of every BAD_REQUEST in English.
config(en());

/** Built per request by the host (apps/server) from its HTTP request. */
export interface LatchContext {
  auth: AuthFlows;
  origin: RequestOrigin;
  authorization: string | undefined;
  /** The refresh-token cookie of this request (browser transport); absent: body transport. */
  refreshCookie?: RefreshCookie;
}

const t = initTRPC.context<LatchContext>().create({
  // Stack traces never go on the wire; the host logs failures with them.
  isDev: false,
  errorFormatter({ shape, error }) {
    const { stack: _stack, ...base } = shape.data;
    const cause = error.cause;
    const auth: AuthErrorData = {};
    if (cause instanceof AuthError) {
      auth.authCode = cause.code;
      if (cause.retryAfterMs !== undefined) auth.retryAfterMs = cause.retryAfterMs;
    }
    // zod's field errors for a `BAD_REQUEST` on input, keyed by field path
    const fieldErrors = error.code === 'BAD_REQUEST' ? fieldErrorsOf(cause) : undefined;
    const message =
      error.code === 'INTERNAL_SERVER_ERROR' ? 'Internal server error' : shape.message;
    return { ...shape, message, data: { ...base, ...auth, ...(fieldErrors && { fieldErrors }) } };
  },
});

/** Turns service errors into tRPC errors carrying the SPEC's codes. */
export function toTRPCError(error: unknown): TRPCError | undefined {
  if (error instanceof StoreUnavailableError) error = new AuthError('AUTH_UNAVAILABLE');
  if (error instanceof AuthError) {
    return new TRPCError({
      code: authErrorTrpcCode[error.code],
      message: error.message,
      cause: error,
    });
  }
  if (error instanceof RequestError) {
    return new TRPCError({ code: error.kind, message: error.message, cause: error });
  }
  if (error instanceof PasswordPolicyError) {
    return new TRPCError({ code: 'BAD_REQUEST', message: error.message, cause: error });
  }
  return undefined;
}

/** A failed call's service error (AuthError, …) as the tRPC error carrying its SPEC code. */
function mapped<T extends { ok: true } | { ok: false; error: TRPCError }>(result: T): T {
  if (!result.ok) {
    const error = toTRPCError(result.error.cause);
    if (error) throw error;
  }
  return result;
}

const mapServiceErrors = t.middleware(async ({ next }) => mapped(await next()));

export const router = t.router;

/**
 * For procedures that call no service, so have no service error to map (`system.ping`): no
 * middleware at all, since each middleware step costs tRPC two copies of the call's options.
 */
export const serviceFreeProcedure = t.procedure;

export const publicProcedure = t.procedure.use(mapServiceErrors);

/**
 * Every protected call: verify the bearer token, check and slide the session, in one store trip.
 * One middleware both authenticates and maps the service errors of the call, its own included.
 */
export const protectedProcedure = t.procedure.use(async ({ ctx, next }) => {
  let authenticated: Authenticated;
  try {
    authenticated = await ctx.auth.authenticate(ctx.authorization);
  } catch (error) {
    throw toTRPCError(error) ?? error;
  }
  return mapped(await next({ ctx: authenticated }));
});

/** zod (or any Standard Schema) issues as `{ "field.path": [messages] }`. */
function fieldErrorsOf(cause: unknown): Record<string, string[]> | undefined {
  if (!cause || typeof cause !== 'object' || !('issues' in cause) || !Array.isArray(cause.issues)) {
    return undefined;
  }
  const fields: Record<string, string[]> = {};
  for (const issue of cause.issues as { path?: PropertyKey[]; message: string }[]) {
    const key = (issue.path ?? []).map(String).join('.') || '(input)';
    fields[key] = [...(fields[key] ?? []), issue.message];
  }
  return fields;
}
