import { createHmac, createPrivateKey, generateKeyPairSync, sign as nodeSign } from 'node:crypto';
import { base64url, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { AccessTokens } from '../src/tokens/access-token.js';
import {
  loadSigningKeys,
  type SigningKeyMaterial,
  type SigningKeys,
} from '../src/tokens/signing-keys.js';

/**
 * The synchronous signature check that replaced jose's jwtVerify on the request path: what jose
 * refused must stay refused (algorithm confusion, `none`, `crit`, junk encodings), what jose
 * accepted must stay accepted (tokens signed by jose itself, `application/at+jwt`, `aud` arrays).
 */
const now = Date.UTC(2026, 0, 1);
const nowS = now / 1000;
const options = { ttlMs: 900_000, issuer: 'latch', audience: 'latch-api' };
const ref = { userId: 'user-1', sessionId: 'session-1' };

const materials: Record<'EdDSA' | 'ES256' | 'HS256', () => SigningKeyMaterial> = {
  EdDSA: () => ({
    alg: 'EdDSA',
    privateKeyPem: generateKeyPairSync('ed25519')
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString(),
  }),
  ES256: () => ({
    alg: 'ES256',
    privateKeyPem: generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString(),
  }),
  HS256: () => ({
    alg: 'HS256',
    secret: base64url.encode(crypto.getRandomValues(new Uint8Array(40))),
  }),
};

const encode = (value: unknown) => base64url.encode(JSON.stringify(value));

describe.each(['EdDSA', 'ES256', 'HS256'] as const)('access-token signatures (%s)', (alg) => {
  let keys: SigningKeys;
  let tokens: AccessTokens;
  const material = materials[alg]();
  beforeAll(async () => {
    keys = await loadSigningKeys(material);
    tokens = new AccessTokens({ keys, ...options });
  });
  /** Signed by hand, for headers jose refuses to produce. */
  const handSigned = (header: Record<string, unknown>, payload: Record<string, unknown>) => {
    const input = `${encode({ alg: keys.alg, kid: keys.kid, typ: 'at+jwt', ...header })}.${encode(payload)}`;
    const data = Buffer.from(input);
    const signature =
      alg === 'HS256'
        ? createHmac('sha256', material.secret ?? '')
            .update(data)
            .digest()
        : alg === 'EdDSA'
          ? nodeSign(null, data, createPrivateKey(material.privateKeyPem ?? ''))
          : nodeSign('sha256', data, {
              key: createPrivateKey(material.privateKeyPem ?? ''),
              dsaEncoding: 'ieee-p1363',
            });
    return `${input}.${signature.toString('base64url')}`;
  };

  const claims = (extra: Record<string, unknown> = {}) => ({
    sid: 'session-1',
    iss: 'latch',
    aud: 'latch-api',
    sub: 'user-1',
    jti: 'j',
    iat: nowS,
    exp: nowS + 60,
    ...extra,
  });
  const joseSigned = (header: Record<string, unknown>, payload: Record<string, unknown>) =>
    new SignJWT(payload)
      .setProtectedHeader({ alg: keys.alg, kid: keys.kid, typ: 'at+jwt', ...header })
      .sign(keys.signingKey);

  it('accepts what jose signs, both spellings of the type, and an audience list', async () => {
    // The hand signer is right: the same header and claims it signs are accepted.
    expect(await tokens.verify(handSigned({}, claims()), now)).toEqual({ status: 'valid', ref });
    expect(await tokens.verify((await tokens.sign(ref, now)).token, now)).toEqual({
      status: 'valid',
      ref,
    });
    for (const token of [
      await joseSigned({ typ: 'application/at+jwt' }, claims()),
      await joseSigned({ typ: 'AT+JWT' }, claims()),
      await joseSigned({}, claims({ aud: ['other', 'latch-api'] })),
    ]) {
      expect(await tokens.verify(token, now)).toEqual({ status: 'valid', ref });
    }
  });

  it('refuses crit, b64, missing or mistyped claims, nbf ahead, wrong issuer', async () => {
    const { jti: _jti, ...withoutJti } = claims();
    for (const token of [
      handSigned({ crit: ['exp'], exp: 1 }, claims()),
      handSigned({ b64: false }, claims()),
      await joseSigned({}, withoutJti),
      await joseSigned({}, claims({ exp: '9999999999' })),
      await joseSigned({}, claims({ nbf: nowS + 5 })),
      await joseSigned({}, claims({ iss: 'someone' })),
      await joseSigned({}, claims({ aud: ['other'] })),
    ]) {
      expect(await tokens.verify(token, now), token.slice(0, 60)).toEqual({ status: 'invalid' });
    }
    expect(await tokens.verify(await joseSigned({}, claims({ nbf: nowS + 1 })), now)).toEqual({
      status: 'valid',
      ref,
    });
  });

  it('refuses another algorithm under this key, none, and malformed encodings', async () => {
    const { token } = await tokens.sign(ref, now);
    const [h, p, s] = token.split('.') as [string, string, string];
    const header = { alg: keys.alg, kid: keys.kid, typ: 'at+jwt' };
    const signingInput = (hdr: Record<string, unknown>) => `${encode(hdr)}.${p}`;
    // Algorithm confusion: HS256 "signed" with the public key (as JWKS publishes it) as secret.
    const publicBytes = JSON.stringify(keys.publicJwks[0] ?? { k: 'none' });
    const confused = signingInput({ ...header, alg: 'HS256' });
    const confusedToken = `${confused}.${createHmac('sha256', publicBytes).update(confused).digest('base64url')}`;
    const other = alg === 'HS256' ? 'EdDSA' : 'HS256';
    const edKey = generateKeyPairSync('ed25519').privateKey;
    const switched = signingInput({ ...header, alg: other });
    const switchedToken = `${switched}.${nodeSign(null, Buffer.from(switched), edKey).toString('base64url')}`;
    for (const bad of [
      confusedToken,
      switchedToken,
      `${signingInput({ ...header, alg: 'none' })}.`,
      `${h}.${p}.${s}.${s}`,
      `${h}=.${p}.${s}`,
      `${h}.${p}.${s}==`,
      `${h}.${p}.${s.slice(0, -4)}`,
      `${h}.${encode([1, 2])}.${s}`,
      `${encode('header')}.${p}.${s}`,
      `${h}.${p}.${'A'.repeat(s.length)}`,
      `${h} .${p}.${s}`,
    ]) {
      expect(await tokens.verify(bad, now), bad.slice(0, 60)).toEqual({ status: 'invalid' });
    }
  });
});
