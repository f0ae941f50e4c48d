import { createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { type JWTHeaderParameters, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, startTestServer, type TestServer } from '../harness.js';

/**
 * Audit finding 5: the header `typ` was ignored, a validly signed 100-year token was accepted,
 * `iat` in the future was accepted, and `iss`/`aud` were fixed. Each token below is signed with
 * the server's own key, so only the checks under test can refuse it.
 */
const TTL_S = 900;

describe.each(['EdDSA', 'HS256'] as const)('access token typing and lifetime (%s)', (alg) => {
  const secret = randomBytes(48).toString('base64url');
  const pem = generateKeyPairSync('ed25519')
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
  const signingKey = alg === 'HS256' ? new TextEncoder().encode(secret) : createPrivateKey(pem);
  let t: TestServer;
  let login: { accessToken: string; user: { id: string }; sessionId: string };
  let kid: string;
  let claims: { iss: string; aud: string };
  beforeAll(async () => {
    t = await startTestServer({
      JWT_ALG: alg,
      ACCESS_TOKEN_TTL: String(TTL_S),
      ...(alg === 'HS256' ? { JWT_SECRET: secret } : { JWT_PRIVATE_KEY: pem }),
    });
    login = await registerUser(t);
    const [header, payload] = login.accessToken
      .split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
    kid = header.kid;
    claims = { iss: payload.iss, aud: payload.aud };
  });
  afterAll(() => t?.close());

  const nowS = () => Math.floor(Date.now() / 1000);
  /** A token for the live session, signed with the server's key; override any part. */
  const forge = (
    header: Partial<JWTHeaderParameters> = {},
    override: { iat?: number; exp?: number; iss?: string; aud?: string; extra?: object } = {},
  ) => {
    const iat = override.iat ?? nowS();
    // `typ: 'access'` in the payload is what the previous release required; it is ignored now
    return new SignJWT({ sid: login.sessionId, typ: 'access', ...override.extra })
      .setProtectedHeader({ alg, kid, typ: 'at+jwt', ...header })
      .setIssuer(override.iss ?? claims.iss)
      .setAudience(override.aud ?? claims.aud)
      .setSubject(login.user.id)
      .setJti(randomBytes(8).toString('hex'))
      .setIssuedAt(iat)
      .setExpirationTime(override.exp ?? iat + TTL_S)
      .sign(signingKey);
  };
  const me = (token: string) => t.call('auth.me', { token });

  it('issues RFC 9068 tokens: header typ at+jwt, iss and aud, no typ claim', async () => {
    const [header, payload] = login.accessToken
      .split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
    expect(header).toEqual({ alg, kid, typ: 'at+jwt' });
    expect(payload).toMatchObject({ iss: 'latch', aud: 'latch-api' });
    expect(payload.typ).toBeUndefined();
    expect(payload.exp - payload.iat).toBe(TTL_S);
    // the control: a token forged exactly like the server's is accepted
    expect((await me(await forge())).status).toBe(200);
  });

  it('refuses a header typ of JWT, none or anything but at+jwt', async () => {
    for (const typ of ['JWT', 'jwt', 'access', 'application/at+jwt+x', undefined]) {
      const token = await forge({ typ });
      expect((await me(token)).authCode, String(typ)).toBe('TOKEN_INVALID');
    }
  });

  it('refuses a validly signed token living longer than ACCESS_TOKEN_TTL', async () => {
    const century = await forge({}, { exp: nowS() + 100 * 365 * 86_400 });
    expect((await me(century)).authCode).toBe('TOKEN_INVALID');
    const slightlyLong = await forge({}, { exp: nowS() + TTL_S + 2 });
    expect((await me(slightlyLong)).authCode).toBe('TOKEN_INVALID');
    const withinTolerance = await forge({}, { exp: nowS() + TTL_S + 1 });
    expect((await me(withinTolerance)).status).toBe(200);
  });

  it('refuses iat in the future (beyond 1 s)', async () => {
    const future = await forge({}, { iat: nowS() + 60 });
    expect((await me(future)).authCode).toBe('TOKEN_INVALID');
  });
});

describe('JWT_ISSUER and JWT_AUDIENCE', () => {
  it('sign and pin the configured issuer and audience; the defaults are refused', async () => {
    const secret = randomBytes(48).toString('base64url');
    const t = await startTestServer({
      JWT_ALG: 'HS256',
      JWT_SECRET: secret,
      JWT_ISSUER: 'https://auth.example',
      JWT_AUDIENCE: 'example-api',
    });
    try {
      const login = await registerUser(t);
      const [header, payload] = login.accessToken
        .split('.')
        .slice(0, 2)
        .map((part: string) => JSON.parse(Buffer.from(part, 'base64url').toString()));
      expect(payload).toMatchObject({ iss: 'https://auth.example', aud: 'example-api' });
      const forge = (iss: string, aud: string) =>
        new SignJWT({ sid: login.sessionId })
          .setProtectedHeader({ alg: 'HS256', kid: header.kid, typ: 'at+jwt' })
          .setIssuer(iss)
          .setAudience(aud)
          .setSubject(login.user.id)
          .setJti('j')
          .setIssuedAt(payload.iat)
          .setExpirationTime(payload.exp)
          .sign(new TextEncoder().encode(secret));
      const me = async (token: string) => (await t.call('auth.me', { token })).authCode;
      expect(await me(login.accessToken)).toBeUndefined();
      expect(await me(await forge('latch', 'example-api'))).toBe('TOKEN_INVALID');
      expect(await me(await forge('https://auth.example', 'latch-api'))).toBe('TOKEN_INVALID');
    } finally {
      await t.close();
    }
  });
});
