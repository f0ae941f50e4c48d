import {
  createHash,
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  type webcrypto,
} from 'node:crypto';
import { base64url, calculateJwkThumbprint, exportJWK, importJWK, type JWK } from 'jose';

export type JwtAlgorithm = 'EdDSA' | 'HS256';

/** The key that signs new tokens plus every key whose tokens are still accepted, by `kid`. */
export interface SigningKeys {
  alg: JwtAlgorithm;
  kid: string;
  signingKey: CryptoKey;
  verifyKeys: ReadonlyMap<string, CryptoKey>;
}

export interface SigningKeyMaterial {
  alg: JwtAlgorithm;
  /** HS256 secret (≥ 32 bytes) */
  secret?: string;
  /** Ed25519 private key, PEM PKCS#8 */
  privateKeyPem?: string;
  /**
   * Keys retired from signing but still verifying, so rotation logs nobody out: HS256 secrets, or
   * Ed25519 public keys as base64url (the JWK `x`) or PEM SPKI.
   */
  previous?: readonly string[];
}

export class SigningKeyError extends Error {
  override name = 'SigningKeyError';
}

type RawKey = KeyObject | Uint8Array;
type CryptoKey = webcrypto.CryptoKey;

export async function loadSigningKeys(material: SigningKeyMaterial): Promise<SigningKeys> {
  const raw = material.alg === 'HS256' ? loadHmacKeys(material) : await loadEd25519Keys(material);
  // Imported once as WebCrypto keys: jose would otherwise import the KeyObject or secret again on
  // every sign and verify.
  const verifyKeys = new Map<string, CryptoKey>();
  for (const [kid, key] of raw.verifyKeys) verifyKeys.set(kid, await toCryptoKey(key, raw.alg));
  return { ...raw, signingKey: await toCryptoKey(raw.signingKey, raw.alg), verifyKeys };
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

async function loadEd25519Keys(material: SigningKeyMaterial): Promise<RawSigningKeys> {
  if (!material.privateKeyPem) throw new SigningKeyError('an Ed25519 private key is required');
  let signingKey: KeyObject;
  try {
    signingKey = createPrivateKey({ key: material.privateKeyPem, format: 'pem' });
  } catch {
    throw new SigningKeyError('the private key is not a PEM PKCS#8 key');
  }
  if (signingKey.asymmetricKeyType !== 'ed25519') {
    throw new SigningKeyError(`the private key is ${signingKey.asymmetricKeyType}, not Ed25519`);
  }
  const publicKeys = [createPublicKey(signingKey)];
  for (const entry of material.previous ?? []) publicKeys.push(importEd25519Public(entry));

  const verifyKeys = new Map<string, KeyObject>();
  for (const key of publicKeys) verifyKeys.set(await ed25519Kid(key), key);
  return { alg: 'EdDSA', kid: await ed25519Kid(publicKeys[0]!), signingKey, verifyKeys };
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
async function ed25519Kid(publicKey: KeyObject): Promise<string> {
  return calculateJwkThumbprint(await exportJWK(publicKey));
}

/** The base64url public key of an Ed25519 private key: what to list as a previous key. */
export async function ed25519PublicKeyOf(privateKeyPem: string): Promise<string> {
  const jwk = await exportJWK(createPublicKey(createPrivateKey(privateKeyPem)));
  return jwk.x!;
}
