import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify } from 'jose';
import { VerifyError } from './errors.js';
import { IntrospectionClient, type IntrospectionOptions, revoked } from './introspection-client.js';

export interface VerifierOptions {
  /** The server's `JWT_ISSUER` (default `latch`). */
  issuer: string;
  /** The server's `JWT_AUDIENCE` (default `latch-api`). */
  audience: string;
  /** `https://auth.example/.well-known/jwks.json` */
  jwksUrl: string | URL;
  /** Algorithms to accept; default the asymmetric ones Latch signs with. */
  algorithms?: ('EdDSA' | 'ES256')[];
  /**
   * Also ask the server whether the session is alive, so a logout or revocation is seen before
   * the token expires. Without it a token is accepted until its `exp`.
   */
  introspection?: IntrospectionOptions;
  /** Clock tolerance for `exp`/`iat`, seconds. Default 1, as on the server. */
  clockToleranceSec?: number;
  /**
   * After fetching the JWKS, wait at least this long before fetching it again for an unknown
   * `kid` (jose's `cooldownDuration`; default 30 000), so junk tokens cannot make this service
   * hammer the server. Latch's rotation publishes a key before signing with it, so verifiers
   * have it before the first token needs it.
   */
  jwksCooldownMs?: number;
}

export interface VerifiedToken {
  userId: string;
  sessionId: string;
  /** Known when introspection is on (it comes from the session, not the token). */
  username?: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  claims: JWTPayload & { sid: string };
}

export interface Verifier {
  /** Resolves the token's user and session, or rejects with a `VerifyError`. */
  verify(token: string): Promise<VerifiedToken>;
}

/**
 * Verifies Latch access tokens in another service: signature against the server's JWKS (cached
 * by jose, refetched when an unknown `kid` shows up, so key rotations need no restart), RFC 9068
 * `typ: at+jwt`, issuer, audience and expiry; optionally the session's liveness by introspection.
 */
export function createVerifier(options: VerifierOptions): Verifier {
  const keys = createRemoteJWKSet(new URL(options.jwksUrl), {
    cooldownDuration: options.jwksCooldownMs ?? 30_000,
  });
  const introspection = options.introspection && new IntrospectionClient(options.introspection);
  const algorithms = options.algorithms ?? ['EdDSA', 'ES256'];

  return {
    async verify(token) {
      let claims: JWTPayload;
      try {
        ({ payload: claims } = await jwtVerify(token, keys, {
          issuer: options.issuer,
          audience: options.audience,
          typ: 'at+jwt',
          algorithms,
          requiredClaims: ['sub', 'sid', 'exp', 'iat', 'jti'],
          clockTolerance: options.clockToleranceSec ?? 1,
        }));
      } catch (error) {
        if (error instanceof errors.JWTExpired) {
          throw new VerifyError('TOKEN_EXPIRED', 'the access token has expired', { cause: error });
        }
        throw new VerifyError('TOKEN_INVALID', 'the access token is not valid', { cause: error });
      }
      const { sub, sid, exp } = claims;
      if (typeof sub !== 'string' || typeof sid !== 'string' || typeof exp !== 'number') {
        throw new VerifyError('TOKEN_INVALID', 'the access token lacks sub, sid or exp');
      }
      let username: string | undefined;
      if (introspection) {
        const answer = await introspection.describe(token);
        if (!answer.active) throw revoked();
        username = answer.username;
      }
      return {
        userId: sub,
        sessionId: sid,
        ...(username !== undefined && { username }),
        expiresAt: exp * 1000,
        claims: { ...claims, sid },
      };
    },
  };
}
