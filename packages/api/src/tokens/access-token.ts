import { randomUUID } from 'node:crypto';
import { type JWTPayload, SignJWT } from 'jose';
import type { SessionRef } from '../session/session-record.js';
import { verifyCompactJws } from './jws.js';
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
const REQUIRED_CLAIMS = ['sub', 'sid', 'jti', 'iat', 'exp'] as const;

/** `at+jwt`, also written `application/at+jwt` (RFC 7515 §4.1.9: the prefix may be left out). */
function isAccessTokenType(typ: unknown): boolean {
  if (typeof typ !== 'string') return false;
  const type = typ.toLowerCase();
  return type === TOKEN_TYPE || type === `application/${TOKEN_TYPE}`;
}

function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

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
    const jws = verifyCompactJws(token, keys.alg, keys.verifyKeyObjects);
    if (!jws || !isAccessTokenType(jws.header.typ)) return { status: 'invalid' };
    const { payload } = jws;
    // As jose's jwtVerify checked them (the code before this one): issuer, audience, the
    // required claims and their types, then the times with 1 s of tolerance.
    if (payload.iss !== issuer || !audienceMatches(payload, audience)) return { status: 'invalid' };
    if (!REQUIRED_CLAIMS.every((claim) => payload[claim] !== undefined))
      return { status: 'invalid' };
    const { exp, iat, nbf } = payload;
    if (!isNumericDate(exp) || !isNumericDate(iat)) return { status: 'invalid' };
    const nowS = Math.floor(now / 1000);
    if (nbf !== undefined && (!isNumericDate(nbf) || nbf > nowS + CLOCK_TOLERANCE_S)) {
      return { status: 'invalid' };
    }
    const ref = this.#acceptable(payload, now);
    if (!ref) return { status: 'invalid' };
    if (exp <= nowS - CLOCK_TOLERANCE_S) return { status: 'expired', ref };
    // A cached verdict lasts exactly as long as this check would accept the token.
    return { status: 'valid', ref, acceptUntil: (exp + CLOCK_TOLERANCE_S) * 1000 };
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
