import { generateKeyPairSync } from 'node:crypto';
import { base64url, SignJWT, UnsecuredJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { AccessTokens } from '../src/tokens/access-token.js';
import {
  ed25519PublicKeyOf,
  loadSigningKeys,
  SigningKeyError,
  type SigningKeyMaterial,
  type SigningKeys,
} from '../src/tokens/signing-keys.js';

const pem = () =>
  generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const ref = { userId: 'user-1', sessionId: 'session-1' };
const now = Date.UTC(2026, 0, 1);
const options = { ttlMs: 900_000, issuer: 'latch', audience: 'latch-api' };

describe.each(['EdDSA', 'HS256'] as const)('access tokens (%s)', (alg) => {
  let keys: SigningKeys;
  let otherKeys: SigningKeys;
  let tokens: AccessTokens;
  const newMaterial = (): SigningKeyMaterial =>
    alg === 'EdDSA'
      ? { alg, privateKeyPem: pem() }
      : { alg, secret: base64url.encode(crypto.getRandomValues(new Uint8Array(40))) };
  const material = newMaterial();
  const otherMaterial = newMaterial();
  beforeAll(async () => {
    keys = await loadSigningKeys(material);
    otherKeys = await loadSigningKeys(otherMaterial);
    tokens = new AccessTokens({ keys, ...options });
  });

  it('signs the SPEC claims with kid and verifies them', async () => {
    const { token, expiresAt } = await tokens.sign(ref, now);
    expect(expiresAt).toBe(now + 900_000);
    const [header, payload] = token
      .split('.')
      .slice(0, 2)
      .map((p) => JSON.parse(new TextDecoder().decode(base64url.decode(p!))));
    expect(header).toEqual({ alg, kid: keys.kid, typ: 'at+jwt' });
    expect(payload).toMatchObject({
      iss: 'latch',
      aud: 'latch-api',
      sub: 'user-1',
      sid: 'session-1',
      iat: now / 1000,
      exp: now / 1000 + 900,
    });
    expect(payload.typ).toBeUndefined();
    expect(typeof payload.jti).toBe('string');
    expect(await tokens.verify(token, now + 1_000)).toEqual({ status: 'valid', ref });
  });

  it('reports expiry (with 1 s tolerance) but only for authentic tokens', async () => {
    const { token } = await tokens.sign(ref, now);
    expect((await tokens.verify(token, now + 900_000 + 500)).status).toBe('valid');
    expect(await tokens.verify(token, now + 902_000)).toEqual({ status: 'expired', ref });
    const forged = await new AccessTokens({ keys: otherKeys, ...options }).sign(ref, now);
    expect(await tokens.verify(forged.token, now + 902_000)).toEqual({ status: 'invalid' });
  });

  it('refuses tampered, unsigned, wrong-key, wrong-type, wrong-audience and junk tokens', async () => {
    const { token } = await tokens.sign(ref, now);
    const [h, p, s] = token.split('.') as [string, string, string];
    const payload = JSON.parse(new TextDecoder().decode(base64url.decode(p)));
    const tampered = `${h}.${base64url.encode(JSON.stringify({ ...payload, sub: 'admin' }))}.${s}`;
    const none = new UnsecuredJWT({ ...payload }).encode();
    const wrongKey = (await new AccessTokens({ keys: otherKeys, ...options }).sign(ref, now)).token;
    const sign = (typ: string | undefined, aud = 'latch-api') =>
      new SignJWT({ sid: 'session-1' })
        .setProtectedHeader({ alg: keys.alg, kid: keys.kid, ...(typ && { typ }) })
        .setIssuer('latch')
        .setAudience(aud)
        .setSubject('user-1')
        .setJti('j')
        .setIssuedAt(now / 1000)
        .setExpirationTime(now / 1000 + 60)
        .sign(keys.signingKey);
    const plainJwt = await sign('JWT');
    const untyped = await sign(undefined);
    const wrongAudience = await sign('at+jwt', 'someone-else');
    const noKid = await new SignJWT({ sid: 's' })
      .setProtectedHeader({ alg: keys.alg, typ: 'at+jwt' })
      .setSubject('u')
      .setIssuer('latch')
      .setAudience('latch-api')
      .setJti('j')
      .setIssuedAt(now / 1000)
      .setExpirationTime(now / 1000 + 60)
      .sign(keys.signingKey);
    for (const bad of [
      tampered,
      none,
      wrongKey,
      plainJwt,
      untyped,
      wrongAudience,
      noKid,
      'garbage',
      `${h}.${p}`,
      '',
    ]) {
      expect(await tokens.verify(bad, now), bad.slice(0, 40)).toEqual({ status: 'invalid' });
    }
  });

  it('refuses impossible times: a lifetime beyond the TTL, iat in the future', async () => {
    const sign = (iat: number, exp: number) =>
      new SignJWT({ sid: 'session-1' })
        .setProtectedHeader({ alg: keys.alg, kid: keys.kid, typ: 'at+jwt' })
        .setIssuer('latch')
        .setAudience('latch-api')
        .setSubject('user-1')
        .setJti('j')
        .setIssuedAt(iat)
        .setExpirationTime(exp)
        .sign(keys.signingKey);
    const iat = now / 1000;
    expect(await tokens.verify(await sign(iat, iat + 900), now)).toEqual({ status: 'valid', ref });
    expect(await tokens.verify(await sign(iat, iat + 901), now)).toEqual({ status: 'valid', ref });
    expect(await tokens.verify(await sign(iat, iat + 902), now)).toEqual({ status: 'invalid' });
    expect(await tokens.verify(await sign(iat, iat + 3e9), now)).toEqual({ status: 'invalid' });
    expect(await tokens.verify(await sign(iat + 1, iat + 901), now)).toEqual({
      status: 'valid',
      ref,
    });
    expect(await tokens.verify(await sign(iat + 2, iat + 902), now)).toEqual({ status: 'invalid' });
    // an expired token with an impossible lifetime is invalid, not merely expired
    expect(await tokens.verify(await sign(iat - 4000, iat - 10), now)).toEqual({
      status: 'invalid',
    });
    expect(await tokens.verify(await sign(iat - 910, iat - 10), now)).toEqual({
      status: 'expired',
      ref,
    });
  });

  it('keeps verifying tokens of a previous key after rotation', async () => {
    const old = new AccessTokens({ keys: otherKeys, ...options });
    const { token } = await old.sign(ref, now);
    const previous =
      alg === 'EdDSA'
        ? [await ed25519PublicKeyOf(otherMaterial.privateKeyPem!)]
        : [otherMaterial.secret!];
    const rotatedKeys = await loadSigningKeys({ ...material, previous });
    const rotated = new AccessTokens({ keys: rotatedKeys, ...options });
    expect(await rotated.verify(token, now)).toEqual({ status: 'valid', ref });
    expect(await tokens.verify(token, now)).toEqual({ status: 'invalid' });
  });
});

describe('signing key loading', () => {
  it('rejects short or obviously weak HS256 secrets and non-Ed25519 keys with a clear error', async () => {
    await expect(loadSigningKeys({ alg: 'HS256', secret: 'short' })).rejects.toThrow(
      SigningKeyError,
    );
    await expect(loadSigningKeys({ alg: 'HS256', secret: 'ab'.repeat(24) })).rejects.toThrow(
      /low entropy/,
    );
    const strong = base64url.encode(crypto.getRandomValues(new Uint8Array(32)));
    await expect(
      loadSigningKeys({ alg: 'HS256', secret: strong, previous: ['x'.repeat(40)] }),
    ).rejects.toThrow(/low entropy/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    await expect(loadSigningKeys({ alg: 'EdDSA', privateKeyPem: rsa })).rejects.toThrow(
      /not Ed25519/,
    );
    await expect(loadSigningKeys({ alg: 'EdDSA', privateKeyPem: 'nope' })).rejects.toThrow(
      SigningKeyError,
    );
    await expect(
      loadSigningKeys({ alg: 'EdDSA', privateKeyPem: pem(), previous: ['zzz'] }),
    ).rejects.toThrow(SigningKeyError);
  });
});

describe('verified-token cache', () => {
  it('serves repeat verifications until exp, then reports expiry like a fresh check', async () => {
    const keys = await loadSigningKeys({ alg: 'EdDSA', privateKeyPem: pem() });
    const tokens = new AccessTokens({ keys, ...options, cacheSize: 2 });
    const { token } = await tokens.sign(ref, now);
    expect(await tokens.verify(token, now)).toEqual({ status: 'valid', ref });
    expect(await tokens.verify(token, now + 900_000)).toEqual({ status: 'valid', ref }); // cached, within tolerance
    expect(await tokens.verify(token, now + 901_000)).toEqual({ status: 'expired', ref });
    // a tampered copy never matches the cached entry
    expect(await tokens.verify(`${token}x`, now)).toEqual({ status: 'invalid' });
  });

  it('stays bounded', async () => {
    const { VerifiedTokenCache } = await import('../src/tokens/verified-token-cache.js');
    const cache = new VerifiedTokenCache(3);
    for (let i = 0; i < 10; i++) cache.set(`k${i}`, ref, now + 1000);
    expect(cache.size).toBe(3);
    expect(cache.get('k0', now)).toBeUndefined();
    expect(cache.get('k9', now)).toEqual(ref);
    expect(cache.get('k9', now + 1000)).toBeUndefined();
  });
});
