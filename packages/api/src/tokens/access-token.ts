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

/** RFC 9068 §2.1: the header `typ` of a JWT access token; checked, so no other JWT passes as one. */
const TOKEN_TYPE = 'at+jwt';
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
    const token = await new SignJWT({ sid: ref.sessionId })
      .setProtectedHeader({ alg: keys.alg, kid: keys.kid, typ: TOKEN_TYPE })
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
          typ: TOKEN_TYPE,
          issuer,
          audience,
          currentDate: new Date(now),
          clockTolerance: CLOCK_TOLERANCE_S,
          requiredClaims: ['sub', 'sid', 'jti', 'iat', 'exp'],
        },
      );
      const ref = this.#acceptable(payload, now);
      if (!ref) return { status: 'invalid' };
      // exp is required above; a cached verdict lasts exactly as long as jose would accept it.
      const acceptUntil = ((payload.exp as number) + CLOCK_TOLERANCE_S) * 1000;
      return { status: 'valid', ref, acceptUntil };
    } catch (error) {
      // jose checks the signature, then `typ`, issuer and audience, and only then the times: an
      // expired token's payload is authentic and of the right type.
      if (error instanceof errors.JWTExpired) {
        const ref = this.#acceptable(error.payload, now);
        if (ref && error.payload.iss === issuer && audienceMatches(error.payload, audience)) {
          return { status: 'expired', ref };
        }
      }
      return { status: 'invalid' };
    }
  }

  /**
   * The session a verified payload names, unless its times are impossible for a token this
   * server issued (RFC 8725 §3.10): issued in the future, or living longer than the TTL — a
   * validly signed 100-year token is refused, not honoured. 1 s of tolerance each.
   */
  #acceptable(payload: JWTPayload, now: number): SessionRef | undefined {
    const { iat, exp } = payload;
    if (typeof iat !== 'number' || typeof exp !== 'number') return undefined;
    if (iat * 1000 > now + CLOCK_TOLERANCE_S * 1000) return undefined;
    if ((exp - iat) * 1000 > this.#options.ttlMs + CLOCK_TOLERANCE_S * 1000) return undefined;
    return sessionRefOf(payload);
  }
}

function sessionRefOf(payload: JWTPayload): SessionRef | undefined {
  const { sub, sid } = payload;
  if (typeof sub !== 'string' || typeof sid !== 'string') return undefined;
  if (sub.length === 0 || sub.length > 128 || sid.length === 0 || sid.length > 64) return undefined;
  return { userId: sub, sessionId: sid };
}

function audienceMatches(payload: JWTPayload, audience: string): boolean {
  return Array.isArray(payload.aud) ? payload.aud.includes(audience) : payload.aud === audience;
}
