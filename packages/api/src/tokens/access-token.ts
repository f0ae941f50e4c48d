import { randomUUID } from 'node:crypto';
import { errors, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import type { SessionRef } from '../session/session-record.js';
import type { SigningKeys } from './signing-keys.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

export interface AccessTokenOptions {
  keys: SigningKeys;
  ttlMs: number;
  issuer: string;
  audience: string;
  /** Entries of the verified-token cache; 0 turns it off. */
  cacheSize?: number;
}

export type AccessTokenVerification =
  | { status: 'valid'; ref: SessionRef }
  /** Signature and claims check out but `exp` has passed: the session decides what to answer. */
  | { status: 'expired'; ref: SessionRef }
  | { status: 'invalid' };

const TOKEN_TYPE = 'access';
const CLOCK_TOLERANCE_S = 1;

export class AccessTokens {
  readonly #options: AccessTokenOptions;
  readonly #cache: VerifiedTokenCache;

  constructor(options: AccessTokenOptions) {
    this.#options = options;
    this.#cache = new VerifiedTokenCache(options.cacheSize);
  }

  async sign(ref: SessionRef, now: number): Promise<{ token: string; expiresAt: number }> {
    const { keys, ttlMs, issuer, audience } = this.#options;
    const iat = Math.floor(now / 1000);
    const exp = Math.floor((now + ttlMs) / 1000);
    const token = await new SignJWT({ sid: ref.sessionId, typ: TOKEN_TYPE })
      .setProtectedHeader({ alg: keys.alg, kid: keys.kid, typ: 'JWT' })
      .setIssuer(issuer)
      .setAudience(audience)
      .setSubject(ref.userId)
      .setJti(randomUUID())
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(keys.signingKey);
    return { token, expiresAt: exp * 1000 };
  }

  async verify(token: string, now: number): Promise<AccessTokenVerification> {
    const cacheKey = VerifiedTokenCache.keyOf(token);
    const cached = this.#cache.get(cacheKey, now);
    if (cached) return { status: 'valid', ref: cached };
    const result = await this.#verifyJwt(token, now);
    if (result.status === 'valid') this.#cache.set(cacheKey, result.ref, result.acceptUntil);
    return result.status === 'valid' ? { status: 'valid', ref: result.ref } : result;
  }

  async #verifyJwt(
    token: string,
    now: number,
  ): Promise<
    | Exclude<AccessTokenVerification, { status: 'valid' }>
    | { status: 'valid'; ref: SessionRef; acceptUntil: number }
  > {
    const { keys, issuer, audience } = this.#options;
    try {
      const { payload } = await jwtVerify(
        token,
        (header) => {
          const key = header.kid === undefined ? undefined : keys.verifyKeys.get(header.kid);
          if (!key) throw new errors.JWKSNoMatchingKey();
          return key;
        },
        {
          algorithms: [keys.alg],
          issuer,
          audience,
          currentDate: new Date(now),
          clockTolerance: CLOCK_TOLERANCE_S,
          requiredClaims: ['sub', 'sid', 'jti', 'iat', 'exp'],
        },
      );
      const ref = sessionRefOf(payload);
      if (!ref) return { status: 'invalid' };
      // exp is required above; a cached verdict lasts exactly as long as jose would accept it.
      const acceptUntil = ((payload.exp as number) + CLOCK_TOLERANCE_S) * 1000;
      return { status: 'valid', ref, acceptUntil };
    } catch (error) {
      // jose checks the signature before the claims, so an expired token's payload is authentic.
      if (error instanceof errors.JWTExpired) {
        const ref = sessionRefOf(error.payload);
        if (ref && error.payload.iss === issuer && audienceMatches(error.payload, audience)) {
          return { status: 'expired', ref };
        }
      }
      return { status: 'invalid' };
    }
  }
}

function sessionRefOf(payload: JWTPayload): SessionRef | undefined {
  const { sub, sid, typ } = payload;
  if (typ !== TOKEN_TYPE || typeof sub !== 'string' || typeof sid !== 'string') return undefined;
  if (sub.length === 0 || sub.length > 128 || sid.length === 0 || sid.length > 64) return undefined;
  return { userId: sub, sessionId: sid };
}

function audienceMatches(payload: JWTPayload, audience: string): boolean {
  return Array.isArray(payload.aud) ? payload.aud.includes(audience) : payload.aud === audience;
}
