import { createHmac, type KeyObject, timingSafeEqual, verify } from 'node:crypto';
import type { JwtAlgorithm } from './signing-keys.js';

/** A compact JWS whose signature checked out: its protected header and payload, both objects. */
export interface VerifiedJws {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}

const SEGMENT = /^[A-Za-z0-9_-]+$/;
/** Signature bytes of each algorithm (Ed25519, P-256 r‖s, HMAC-SHA-256). */
const SIGNATURE_BYTES: Record<JwtAlgorithm, number> = { EdDSA: 64, ES256: 64, HS256: 32 };

/**
 * Checks a compact JWS (RFC 7515) signed with `alg` by one of `keys` (by `kid`), synchronously
 * with node:crypto — the per-request path: jose's WebCrypto route costs several times the
 * signature check itself. Strict: three unpadded base64url segments, header and payload JSON
 * objects, the header's `alg` exactly the configured one (no `none`, no algorithm switch), a
 * known `kid`, no `crit` and no unencoded payload (`b64`). `undefined` for anything else.
 * Claims are the caller's to check.
 */
export function verifyCompactJws(
  token: string,
  alg: JwtAlgorithm,
  keys: ReadonlyMap<string, KeyObject>,
): VerifiedJws | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  if (!SEGMENT.test(headerPart) || !SEGMENT.test(payloadPart) || !SEGMENT.test(signaturePart)) {
    return undefined;
  }
  const header = jsonObject(headerPart);
  if (!header || header.alg !== alg || header.crit !== undefined || header.b64 !== undefined) {
    return undefined;
  }
  const key = typeof header.kid === 'string' ? keys.get(header.kid) : undefined;
  if (!key) return undefined;
  const signature = Buffer.from(signaturePart, 'base64url');
  if (signature.length !== SIGNATURE_BYTES[alg]) return undefined;
  const signed = Buffer.from(`${headerPart}.${payloadPart}`);
  if (!signatureMatches(alg, key, signed, signature)) return undefined;
  const payload = jsonObject(payloadPart);
  return payload ? { header, payload } : undefined;
}

function signatureMatches(
  alg: JwtAlgorithm,
  key: KeyObject,
  signed: Buffer,
  signature: Buffer,
): boolean {
  switch (alg) {
    case 'EdDSA':
      return key.asymmetricKeyType === 'ed25519' && verify(null, signed, key, signature);
    case 'ES256':
      return (
        key.asymmetricKeyType === 'ec' &&
        verify('sha256', signed, { key, dsaEncoding: 'ieee-p1363' }, signature)
      );
    case 'HS256': {
      if (key.type !== 'secret') return false;
      const expected = createHmac('sha256', key).update(signed).digest();
      return timingSafeEqual(expected, signature);
    }
  }
}

function jsonObject(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
