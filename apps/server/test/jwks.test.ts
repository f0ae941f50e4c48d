import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { loadSigningKeys } from '@latch/api';
import { type LatchProcess, startLatchProcess } from '@latch/testing';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';

const PASSWORD = 'violet rocket under tuesday';
const running: LatchProcess[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.stop()));
});

async function start(env: Record<string, string>): Promise<LatchProcess> {
  const server = await startLatchProcess({
    JWT_ISSUER: 'https://auth.example',
    JWT_AUDIENCE: 'orders-api',
    ...env,
  });
  running.push(server);
  return server;
}

async function tokenFrom(server: LatchProcess, username: string, register = true) {
  const response = await fetch(`${server.trpcUrl}/auth.${register ? 'register' : 'login'}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  const body = (await response.json()) as { result: { data: { accessToken: string } } };
  return body.result.data.accessToken;
}

async function jwks(server: LatchProcess) {
  const response = await fetch(`${server.url}/.well-known/jwks.json`);
  return {
    cacheControl: response.headers.get('cache-control'),
    keys: ((await response.json()) as { keys: Record<string, string>[] }).keys,
  };
}

/** What a third-party service does: fetch the JWKS, verify as RFC 9068 with iss/aud pinned. */
function thirdPartyVerify(server: LatchProcess, token: string, algorithms: string[]) {
  return jwtVerify(token, createRemoteJWKSet(new URL(`${server.url}/.well-known/jwks.json`)), {
    issuer: 'https://auth.example',
    audience: 'orders-api',
    typ: 'at+jwt',
    algorithms,
  });
}

const pem = (alg: 'ed25519' | 'p256') => {
  const { privateKey, publicKey } =
    alg === 'ed25519'
      ? generateKeyPairSync('ed25519')
      : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
};

describe('/.well-known/jwks.json', () => {
  it.each([
    ['EdDSA', 'OKP'],
    ['ES256', 'EC'],
  ])(
    'publishes the %s public key, cacheable, no private part; a third party verifies the tokens',
    async (alg, kty) => {
      const server = await start({ JWT_ALG: alg });
      const { cacheControl, keys } = await jwks(server);
      expect(cacheControl).toBe('public, max-age=300');
      expect(keys).toHaveLength(1);
      expect(keys[0]).toMatchObject({ kty, alg, use: 'sig' });
      for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'])
        expect(keys[0]).not.toHaveProperty(secret);

      const token = await tokenFrom(server, `jwks_${alg.toLowerCase()}_${Date.now().toString(36)}`);
      expect(decodeProtectedHeader(token)).toMatchObject({ alg, typ: 'at+jwt', kid: keys[0]?.kid });
      const { payload } = await thirdPartyVerify(server, token, [alg]);
      expect(payload).toMatchObject({ iss: 'https://auth.example', aud: 'orders-api' });
      expect(typeof payload.sid).toBe('string');
    },
  );

  it('publishes no key for HS256 (a shared secret is never published)', async () => {
    const server = await start({
      JWT_ALG: 'HS256',
      JWT_SECRET: 'T8x!qZ2#vN5$kW9@mR3^pL7&cF1*hJ6%',
    });
    expect((await jwks(server)).keys).toEqual([]);
  });

  it('rotates with nobody logged out: old tokens verify on the server and through the JWKS, both kids published', async () => {
    for (const alg of ['EdDSA', 'ES256'] as const) {
      const old = pem(alg === 'EdDSA' ? 'ed25519' : 'p256');
      const next = pem(alg === 'EdDSA' ? 'ed25519' : 'p256');
      // One session store for both generations of the server, as in a real rotation.
      const store = {
        REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
        REDIS_PREFIX: `latch-jwks-test:${process.pid}:${alg}:`,
      };
      const first = await start({ ...store, JWT_ALG: alg, JWT_PRIVATE_KEY: old.privateKey });
      const username = `rotate_${alg.toLowerCase()}_${Date.now().toString(36)}`;
      const oldToken = await tokenFrom(first, username);
      const oldKid = decodeProtectedHeader(oldToken).kid;
      await first.stop();

      // Step 2 of the rotation: sign with the next key, keep the old one as a previous key.
      const second = await start({
        JWT_ALG: alg,
        JWT_PRIVATE_KEY: next.privateKey,
        JWT_PREVIOUS_KEYS: old.publicKey,
        ...store,
      });
      const me = await fetch(`${second.trpcUrl}/auth.me`, {
        headers: { authorization: `Bearer ${oldToken}` },
      });
      expect(me.status).toBe(200);
      const { keys } = await jwks(second);
      const newToken = await tokenFrom(second, `${username}_b`);
      const newKid = decodeProtectedHeader(newToken).kid;
      expect(newKid).not.toBe(oldKid);
      expect(keys.map((key) => key.kid).sort()).toEqual([oldKid, newKid].sort());
      await expect(thirdPartyVerify(second, oldToken, [alg])).resolves.toBeTruthy();
      await expect(thirdPartyVerify(second, newToken, [alg])).resolves.toBeTruthy();
      // The old public key really is the old one: it matches the previous JWK.
      expect(keys.find((key) => key.kid === oldKid)).toMatchObject(
        createPublicKey(old.publicKey).export({ format: 'jwk' }),
      );
      await second.stop();
    }
  });

  it('refuses a key of the wrong curve, naming it', async () => {
    await expect(
      loadSigningKeys({ alg: 'ES256', privateKeyPem: pem('ed25519').privateKey }),
    ).rejects.toThrow(/ed25519, not P-256/);
    await expect(
      loadSigningKeys({
        alg: 'EdDSA',
        privateKeyPem: pem('ed25519').privateKey,
        previous: [pem('p256').publicKey],
      }),
    ).rejects.toThrow(/previous Ed25519 key|not Ed25519/);
  });
});
