import {
  createHash,
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  type KeyObject,
  type webcrypto,
} from 'node:crypto';
import { base64url, calculateJwkThumbprint, exportJWK, importJWK, type JWK } from 'jose';

/** What access tokens may be signed with (SPEC: `JWT_ALG`); the first is the default. */
export const JWT_ALGORITHMS = ['EdDSA', 'ES256', 'HS256'] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

/** The key that signs new tokens plus every key whose tokens are still accepted, by `kid`. */
export interface SigningKeys {
  alg: JwtAlgorithm;
  kid: string;
  signingKey: CryptoKey;
  verifyKeys: ReadonlyMap<string, CryptoKey>;
  /**
   * The same keys as node:crypto `KeyObject`s (public keys; the secret for HS256), for the
   * synchronous signature check of every request (see jws.ts).
   */
  verifyKeyObjects: ReadonlyMap<string, KeyObject>;
  /**
   * The public half of every asymmetric key, as JWKs with `kid`, `alg` and `use` — what
   * `/.well-known/jwks.json` publishes. Empty for HS256, whose key is a shared secret.
   */
  publicJwks: readonly JWK[];
}

export interface SigningKeyMaterial {
  alg: JwtAlgorithm;
  /** HS256 secret (≥ 32 bytes) */
  secret?: string;
  /** Ed25519 (EdDSA) or P-256 (ES256) private key, PEM PKCS#8 */
  privateKeyPem?: string;
  /**
   * Keys retired from signing but still verifying, so rotation logs nobody out: HS256 secrets,
   * Ed25519 public keys as base64url (the JWK `x`) or PEM SPKI, P-256 public keys as PEM SPKI.
   */
  previous?: readonly string[];
}

export class SigningKeyError extends Error {
  override name = 'SigningKeyError';
}

type RawKey = KeyObject | Uint8Array;
type CryptoKey = webcrypto.CryptoKey;

export async function loadSigningKeys(material: SigningKeyMaterial): Promise<SigningKeys> {
  const raw =
    material.alg === 'HS256' ? loadHmacKeys(material) : await loadAsymmetricKeys(material);
  // Imported once as WebCrypto keys: jose would otherwise import the KeyObject or secret again on
  // every sign and verify.
  const verifyKeys = new Map<string, CryptoKey>();
  const verifyKeyObjects = new Map<string, KeyObject>();
  const publicJwks: JWK[] = [];
  for (const [kid, key] of raw.verifyKeys) {
    verifyKeys.set(kid, await toCryptoKey(key, raw.alg));
    verifyKeyObjects.set(kid, key instanceof Uint8Array ? createSecretKey(key) : key);
    if (!(key instanceof Uint8Array)) {
      publicJwks.push({ ...(await exportJWK(key)), kid, alg: raw.alg, use: 'sig' });
    }
  }
  return {
    ...raw,
    signingKey: await toCryptoKey(raw.signingKey, raw.alg),
    verifyKeys,
    verifyKeyObjects,
    publicJwks,
  };
}

interface RawSigningKeys {
  alg: JwtAlgorithm;
  kid: string;
  signingKey: RawKey;
  verifyKeys: ReadonlyMap<string, RawKey>;
}

async function toCryptoKey(key: RawKey, alg: JwtAlgorithm): Promise<CryptoKey> {
  const jwk: JWK =
    key instanceof Uint8Array ? { kty: 'oct', k: base64url.encode(key) } : await exportJWK(key);
  return (await importJWK(jwk, alg, { extractable: false })) as CryptoKey;
}

const HS256_MIN_BYTES = 32;

/**
 * Why an HS256 secret is unfit, or undefined. Only the obvious cases — too short, few distinct
 * characters, a repeated unit (`changeme-changeme-…`), a run of consecutive characters — since
 * entropy cannot be measured from one sample; a secret from a generator
 * (`openssl rand -base64 48`) always passes.
 */
export function weakHmacSecretReason(secret: string): string | undefined {
  if (Buffer.byteLength(secret) < HS256_MIN_BYTES) return 'must be at least 32 bytes';
  const chars = [...secret];
  const lowEntropy =
    'has obviously low entropy: use 32 random bytes, e.g. `openssl rand -base64 48`';
  if (new Set(chars).size < 10) return lowEntropy;
  const period = Array.from({ length: Math.floor(chars.length / 2) }, (_, i) => i + 1).find(
    (unit) => chars.every((char, i) => i < unit || char === chars[i - unit]),
  );
  if (period !== undefined) return lowEntropy;
  const steps = chars
    .slice(1)
    .filter((char, i) => char.codePointAt(0)! - chars[i]!.codePointAt(0)! === 1);
  if (steps.length >= chars.length / 2) return lowEntropy;
  return undefined;
}

function loadHmacKeys(material: SigningKeyMaterial): RawSigningKeys {
  const secrets = [material.secret, ...(material.previous ?? [])];
  const verifyKeys = new Map<string, Uint8Array>();
  for (const secret of secrets) {
    const weakness = secret === undefined ? 'is missing' : weakHmacSecretReason(secret);
    if (weakness) throw new SigningKeyError(`an HS256 secret ${weakness}`);
    verifyKeys.set(hmacKid(secret!), new TextEncoder().encode(secret));
  }
  const kid = hmacKid(material.secret!);
  return { alg: 'HS256', kid, signingKey: verifyKeys.get(kid)!, verifyKeys };
}

// Derived from the secret (one-way, domain-separated) so it names the key without revealing it.
function hmacKid(secret: string): string {
  return createHash('sha256').update(`latch-hs256-kid:${secret}`).digest('base64url').slice(0, 16);
}

/** What each asymmetric algorithm needs of its key. */
const CURVES = {
  EdDSA: { keyType: 'ed25519', name: 'Ed25519' },
  ES256: { keyType: 'ec', name: 'P-256', namedCurve: 'prime256v1' },
} as const;

async function loadAsymmetricKeys(material: SigningKeyMaterial): Promise<RawSigningKeys> {
  const alg = material.alg === 'ES256' ? 'ES256' : 'EdDSA';
  const curve = CURVES[alg];
  if (!material.privateKeyPem)
    throw new SigningKeyError(`an ${curve.name} private key is required`);
  let signingKey: KeyObject;
  try {
    signingKey = createPrivateKey({ key: material.privateKeyPem, format: 'pem' });
  } catch {
    throw new SigningKeyError('the private key is not a PEM PKCS#8 key');
  }
  if (!isCurve(signingKey, curve)) {
    throw new SigningKeyError(
      `the private key is ${describeKey(signingKey)}, not ${curve.name} (JWT_ALG=${alg})`,
    );
  }
  const publicKeys = [createPublicKey(signingKey)];
  for (const entry of material.previous ?? []) {
    const key = alg === 'EdDSA' ? importEd25519Public(entry) : importPemPublic(entry);
    if (!isCurve(key, curve)) {
      throw new SigningKeyError(`a previous key is ${describeKey(key)}, not ${curve.name}`);
    }
    publicKeys.push(key);
  }

  const verifyKeys = new Map<string, KeyObject>();
  for (const key of publicKeys) verifyKeys.set(await thumbprintKid(key), key);
  return { alg, kid: await thumbprintKid(publicKeys[0]!), signingKey, verifyKeys };
}

function isCurve(key: KeyObject, curve: (typeof CURVES)[keyof typeof CURVES]): boolean {
  if (key.asymmetricKeyType !== curve.keyType) return false;
  return !('namedCurve' in curve) || key.asymmetricKeyDetails?.namedCurve === curve.namedCurve;
}

function describeKey(key: KeyObject): string {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  return curve ? `${key.asymmetricKeyType} ${curve}` : String(key.asymmetricKeyType);
}

function importPemPublic(entry: string): KeyObject {
  try {
    return createPublicKey({ key: entry, format: 'pem' });
  } catch {
    throw new SigningKeyError('a previous key is not a PEM SPKI public key');
  }
}

function importEd25519Public(entry: string): KeyObject {
  try {
    if (entry.includes('BEGIN PUBLIC KEY')) return createPublicKey({ key: entry, format: 'pem' });
    if (base64url.decode(entry).length !== 32) throw new Error('not 32 bytes');
    return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: entry }, format: 'jwk' });
  } catch {
    throw new SigningKeyError(
      'a previous Ed25519 key is neither PEM SPKI nor a base64url public key',
    );
  }
}

/** RFC 7638 thumbprint: the same public key always gets the same kid, on every instance. */
async function thumbprintKid(publicKey: KeyObject): Promise<string> {
  return calculateJwkThumbprint(await exportJWK(publicKey));
}

/** The base64url public key of an Ed25519 private key: what to list as a previous key. */
export async function ed25519PublicKeyOf(privateKeyPem: string): Promise<string> {
  const jwk = await exportJWK(createPublicKey(createPrivateKey(privateKeyPem)));
  return jwk.x!;
}
