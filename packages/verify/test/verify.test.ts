import { generateKeyPairSync } from 'node:crypto';
import { freePort, type LatchProcess, startLatchProcess } from '@latch/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, type VerifyError } from '../src/index.js';

const PASSWORD = 'violet rocket under tuesday';
const CLIENT = { clientId: 'orders-api', clientSecret: 'k3Jq9vT2mX8pL5wR7nB4cZ6y' };
const SETTINGS = {
  JWT_ISSUER: 'https://auth.example',
  JWT_AUDIENCE: 'orders-api',
  INTROSPECTION_CLIENTS: `${CLIENT.clientId}:${CLIENT.clientSecret}`,
};

async function signIn(server: LatchProcess, prefix: string) {
  const username = `${prefix}_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const response = await fetch(`${server.trpcUrl}/auth.register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  const { result } = (await response.json()) as {
    result: { data: { accessToken: string; sessionId: string; user: { id: string } } };
  };
  return { username, ...result.data };
}

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'accepted',
    (error: VerifyError) => error.code,
  );

describe('createVerifier against a real Latch server', () => {
  let server: LatchProcess;
  let shortLived: LatchProcess;
  beforeAll(async () => {
    [server, shortLived] = await Promise.all([
      startLatchProcess(SETTINGS),
      startLatchProcess({ ...SETTINGS, ACCESS_TOKEN_TTL: '1' }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([server?.stop(), shortLived?.stop()]);
  });

  const verifierFor = (on: LatchProcess, introspect = true) =>
    createVerifier({
      issuer: SETTINGS.JWT_ISSUER,
      audience: SETTINGS.JWT_AUDIENCE,
      jwksUrl: `${on.url}/.well-known/jwks.json`,
      ...(introspect && { introspection: { url: `${on.url}/oauth/introspect`, ...CLIENT } }),
    });

  it('accepts a live token: user, session, username (from introspection), expiry', async () => {
    const { accessToken, sessionId, user, username } = await signIn(server, 'verify');
    const verified = await verifierFor(server).verify(accessToken);
    expect(verified).toMatchObject({ userId: user.id, sessionId, username });
    expect(verified.expiresAt).toBeGreaterThan(Date.now());
    expect(verified.claims.iss).toBe(SETTINGS.JWT_ISSUER);
  });

  it('TOKEN_INVALID for junk, a tampered token, or another audience', async () => {
    const { accessToken } = await signIn(server, 'verifybad');
    const verifier = verifierFor(server);
    expect(await codeOf(verifier.verify('junk'))).toBe('TOKEN_INVALID');
    expect(await codeOf(verifier.verify(`${accessToken.slice(0, -4)}AAAA`))).toBe('TOKEN_INVALID');
    const otherAudience = createVerifier({
      issuer: SETTINGS.JWT_ISSUER,
      audience: 'billing-api',
      jwksUrl: `${server.url}/.well-known/jwks.json`,
    });
    expect(await codeOf(otherAudience.verify(accessToken))).toBe('TOKEN_INVALID');
  });

  it('TOKEN_EXPIRED once the token is past exp', async () => {
    const { accessToken } = await signIn(shortLived, 'verifyexp');
    const verifier = verifierFor(shortLived, false);
    await verifier.verify(accessToken);
    // ACCESS_TOKEN_TTL=1 and 1 s of tolerance: 2.5 s later it is past both.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(await codeOf(verifier.verify(accessToken))).toBe('TOKEN_EXPIRED');
  });

  it('SESSION_REVOKED right after logout with introspection; without it, accepted until exp', async () => {
    const { accessToken } = await signIn(server, 'verifyrevoke');
    const withIntrospection = verifierFor(server);
    const signatureOnly = verifierFor(server, false);
    await withIntrospection.verify(accessToken);
    const logout = await fetch(`${server.trpcUrl}/auth.logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
    });
    expect(logout.status).toBe(200);
    expect(await codeOf(withIntrospection.verify(accessToken))).toBe('SESSION_REVOKED');
    expect(await codeOf(signatureOnly.verify(accessToken))).toBe('accepted');
  });
});

describe('a key rotation', () => {
  const running: LatchProcess[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((server) => server.stop()));
  });

  it('needs no restart of the verifier: an unknown kid refetches the JWKS', async () => {
    const port = String(await freePort());
    const store = {
      REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
      REDIS_PREFIX: `latch-verify-test:${process.pid}:`,
    };
    const key = () => {
      const { privateKey, publicKey } = generateKeyPairSync('ed25519');
      return {
        privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      };
    };
    const [old, next] = [key(), key()];
    const first = await startLatchProcess({
      ...SETTINGS,
      ...store,
      PORT: port,
      JWT_PRIVATE_KEY: old.privateKey,
    });
    running.push(first);
    const verifier = createVerifier({
      issuer: SETTINGS.JWT_ISSUER,
      audience: SETTINGS.JWT_AUDIENCE,
      jwksUrl: `${first.url}/.well-known/jwks.json`,
      // The server restarts with the new key at once here, instead of publishing it first.
      jwksCooldownMs: 0,
    });
    const before = await signIn(first, 'rotate');
    await verifier.verify(before.accessToken);
    await first.stop();
    running.pop();

    const second = await startLatchProcess({
      ...SETTINGS,
      ...store,
      PORT: port,
      JWT_PRIVATE_KEY: next.privateKey,
      JWT_PREVIOUS_KEYS: old.publicKey,
    });
    running.push(second);
    const after = await signIn(second, 'rotate2');
    await expect(verifier.verify(after.accessToken)).resolves.toMatchObject({
      sessionId: after.sessionId,
    });
    await expect(verifier.verify(before.accessToken)).resolves.toMatchObject({
      sessionId: before.sessionId,
    });
  });
});
