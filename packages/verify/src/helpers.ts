import { VerifyError } from './errors.js';
import type { VerifiedToken, Verifier } from './verifier.js';

const BEARER = /^Bearer ([^\s]+)$/;

/** The token of an `Authorization: Bearer …` header, or a `TOKEN_INVALID` error. */
export function bearerToken(authorization: string | undefined): string {
  const token = authorization === undefined ? undefined : BEARER.exec(authorization)?.[1];
  if (!token) throw new VerifyError('TOKEN_INVALID', 'no Authorization: Bearer token');
  return token;
}

/** The parts of a Fastify request and reply the pre-handler uses (no dependency on Fastify). */
interface RequestLike {
  headers: { authorization?: string | undefined };
  latch?: VerifiedToken;
}
interface ReplyLike {
  code(status: number): ReplyLike;
  header(name: string, value: string): ReplyLike;
  send(payload: unknown): unknown;
}

/**
 * A Fastify `preHandler`: verifies the bearer token and puts the result on `request.latch`, or
 * answers 401 `{error: code}` with `WWW-Authenticate: Bearer error="invalid_token"` (RFC 6750).
 */
export function latchPreHandler(verifier: Verifier) {
  return async (request: RequestLike, reply: ReplyLike): Promise<void> => {
    try {
      request.latch = await verifier.verify(bearerToken(request.headers.authorization));
    } catch (error) {
      if (!(error instanceof VerifyError)) throw error;
      await reply
        .code(401)
        .header(
          'www-authenticate',
          `Bearer error="invalid_token", error_description="${error.code}"`,
        )
        .send({ error: error.code });
    }
  };
}

/**
 * The body of a tRPC middleware: `t.procedure.use(({ ctx, next }) => latchMiddleware(verifier,
 * ctx.authorization, (latch) => next({ ctx: { latch } }), (code) => new TRPCError({ code:
 * 'UNAUTHORIZED', message: code })))`. It takes tRPC's pieces as arguments, so this package
 * needs no tRPC version of its own.
 */
export async function latchMiddleware<T>(
  verifier: Verifier,
  authorization: string | undefined,
  next: (latch: VerifiedToken) => T | Promise<T>,
  unauthorized: (code: VerifyError['code'], error: VerifyError) => Error,
): Promise<T> {
  let latch: VerifiedToken;
  try {
    latch = await verifier.verify(bearerToken(authorization));
  } catch (error) {
    if (error instanceof VerifyError) throw unauthorized(error.code, error);
    throw error;
  }
  return next(latch);
}
