import { randomUUID } from 'node:crypto';
import { errors, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import type { SessionRef } from '../session/session-record.js';
import type { SigningKeys } from './signing-keys.js';

export interface AccessTokenOptions {
  keys: SigningKeys;
  ttlMs: number;
  issuer: string;
  audience: string;
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

  constructor(options: AccessTokenOptions) {
    this.#options = options;
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
      return ref ? { status: 'valid', ref } : { status: 'invalid' };
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
