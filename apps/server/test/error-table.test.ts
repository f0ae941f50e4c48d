import { randomUUID } from 'node:crypto';
import { type RedisServer, startRedisServer } from '@latch/testing';
import { base64url, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  manualClock,
  PASSWORD,
  registerUser,
  startTestServer,
  type TestServer,
  uniqueName,
} from './harness.js';

const ACCESS_TTL_S = 60;
const IDLE_S = 600;
const ABSOLUTE_S = 3600;
const GRACE_S = 5;

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(() => redis?.stop());

/** Every row of SPEC's error table, provoked over real HTTP, on both stores. */
describe.each(['memory', 'redis'] as const)('error table (%s store)', (kind) => {
  const clock = manualClock();
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(
      {
        ACCESS_TOKEN_TTL: String(ACCESS_TTL_S),
        SESSION_IDLE_TIMEOUT: String(IDLE_S),
        SESSION_ABSOLUTE_TIMEOUT: String(ABSOLUTE_S),
        REFRESH_REUSE_GRACE: String(GRACE_S),
        LOGIN_RATE_LIMIT: '3/60',
        ...(kind === 'redis' && {
          REDIS_URL: redis.url,
          REDIS_PREFIX: `t:${randomUUID().slice(0, 8)}:`,
        }),
      },
      { clock },
    );
  });
  afterAll(() => t?.close());

  const expectAuthError = (
    result: { status: number; authCode: string | undefined; body: unknown },
    status: number,
    code: string,
  ) => {
    expect({ status: result.status, authCode: result.authCode }).toEqual({
      status,
      authCode: code,
    });
    expect(JSON.stringify(result.body)).not.toMatch(/stack|at .*\.ts:\d+/);
  };

  it('TOKEN_MISSING: no header, another scheme, or an empty bearer', async () => {
    expectAuthError(await t.call('auth.me'), 401, 'TOKEN_MISSING');
    expectAuthError(
      await t.call('auth.me', { headers: { authorization: 'Basic dXNlcjpwYXNz' } }),
      401,
      'TOKEN_MISSING',
    );
    expectAuthError(
      await t.call('auth.me', { headers: { authorization: 'Bearer ' } }),
      401,
      'TOKEN_MISSING',
    );
    expectAuthError(await t.call('auth.logout'), 401, 'TOKEN_MISSING');
  });

  it('TOKEN_INVALID: garbage, tampered, alg:none, wrong key', async () => {
    const { accessToken } = await registerUser(t);
    const [h, p, s] = accessToken.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    const tampered = `${h}.${base64url.encode(JSON.stringify({ ...claims, sub: randomUUID() }))}.${s}`;
    const none = new UnsecuredJWT(claims).encode();
    const other = await startTestServer({}, { clock }); // same settings, its own generated key
    const foreign = (await registerUser(other)).accessToken;
    await other.close();
    for (const token of ['garbage', 'a.b.c', tampered, none, foreign, `${accessToken}x`]) {
      expectAuthError(await t.call('auth.me', { token }), 401, 'TOKEN_INVALID');
    }
    expect((await t.call('auth.me', { token: accessToken })).status).toBe(200);
  });

  it('TOKEN_EXPIRED while the session lives; refresh then works', async () => {
    const login = await registerUser(t);
    clock.advance((ACCESS_TTL_S + 2) * 1000);
    expectAuthError(await t.call('auth.me', { token: login.accessToken }), 401, 'TOKEN_EXPIRED');
    const refreshed = await t.call('auth.refresh', { input: { refreshToken: login.refreshToken } });
    expect(refreshed.status).toBe(200);
    expect((await t.call('auth.me', { token: refreshed.data.accessToken })).status).toBe(200);
  });

  it('SESSION_EXPIRED after the idle timeout, also for an expired access token', async () => {
    const login = await registerUser(t);
    clock.advance((IDLE_S - 10) * 1000);
    const refreshed = await t.call('auth.refresh', { input: { refreshToken: login.refreshToken } });
    expect(refreshed.status).toBe(200); // activity slides the idle deadline
    clock.advance((IDLE_S - 10) * 1000);
    expect((await t.call('auth.me', { token: refreshed.data.accessToken })).status).toBe(401); // token expired...
    expectAuthError(
      await t.call('auth.me', { token: refreshed.data.accessToken }),
      401,
      'TOKEN_EXPIRED',
    ); // ...session alive
    clock.advance((IDLE_S + 1) * 1000);
    expectAuthError(
      await t.call('auth.me', { token: refreshed.data.accessToken }),
      401,
      'SESSION_EXPIRED',
    );
    expectAuthError(
      await t.call('auth.refresh', { input: { refreshToken: refreshed.data.refreshToken } }),
      401,
      'SESSION_EXPIRED',
    );
  });

  it('SESSION_EXPIRED at the absolute lifetime however active', async () => {
    const login = await registerUser(t);
    let tokens = login;
    let elapsed = 0;
    for (; elapsed + IDLE_S / 2 < ABSOLUTE_S; elapsed += IDLE_S / 2) {
      clock.advance((IDLE_S / 2) * 1000);
      const r = await t.call('auth.refresh', { input: { refreshToken: tokens.refreshToken } });
      expect(r.status).toBe(200);
      tokens = r.data;
      expect(tokens.refreshTokenExpiresAt).toBeLessThanOrEqual(login.refreshTokenExpiresAt);
    }
    const me = await t.call('auth.me', { token: tokens.accessToken });
    expect(me.data.session.idleExpiresAt).toBeLessThanOrEqual(me.data.session.absoluteExpiresAt);
    // the refresh TTL (30 days) is capped by the session's absolute expiry
    expect(me.data.session.absoluteExpiresAt).toBe(login.refreshTokenExpiresAt);
    clock.advance((ABSOLUTE_S - elapsed) * 1000); // active all along, yet the lifetime is over
    expectAuthError(await t.call('auth.me', { token: tokens.accessToken }), 401, 'SESSION_EXPIRED');
    expectAuthError(
      await t.call('auth.refresh', { input: { refreshToken: tokens.refreshToken } }),
      401,
      'SESSION_EXPIRED',
    );
  });

  it('SESSION_REVOKED after logout, also for an expired access token', async () => {
    const login = await registerUser(t);
    expect((await t.call('auth.logout', { token: login.accessToken })).data).toEqual({ ok: true });
    expectAuthError(await t.call('auth.me', { token: login.accessToken }), 401, 'SESSION_REVOKED');
    expectAuthError(
      await t.call('auth.refresh', { input: { refreshToken: login.refreshToken } }),
      401,
      'SESSION_REVOKED',
    );
    clock.advance((ACCESS_TTL_S + 2) * 1000);
    expectAuthError(await t.call('auth.me', { token: login.accessToken }), 401, 'SESSION_REVOKED');
  });

  it('REFRESH_INVALID: junk and well-formed unknown tokens', async () => {
    const login = await registerUser(t);
    const [userId, sessionId] = login.refreshToken.split('.');
    const forged = `${userId}.${sessionId}.${base64url.encode(new Uint8Array(32))}`;
    for (const refreshToken of ['junk', forged, `${userId}.${sessionId}`]) {
      expectAuthError(
        await t.call('auth.refresh', { input: { refreshToken } }),
        401,
        'REFRESH_INVALID',
      );
    }
    expect((await t.call('auth.me', { token: login.accessToken })).status).toBe(200); // nothing changed
  });

  it('REFRESH_REUSED: a rotated token after the grace window revokes the session', async () => {
    const login = await registerUser(t);
    const first = await t.call('auth.refresh', { input: { refreshToken: login.refreshToken } });
    const replay = await t.call('auth.refresh', { input: { refreshToken: login.refreshToken } });
    expect(replay.data).toEqual(first.data); // within grace: the same answer
    clock.advance((GRACE_S + 1) * 1000);
    expectAuthError(
      await t.call('auth.refresh', { input: { refreshToken: login.refreshToken } }),
      401,
      'REFRESH_REUSED',
    );
    expectAuthError(
      await t.call('auth.me', { token: first.data.accessToken }),
      401,
      'SESSION_REVOKED',
    );
    expectAuthError(
      await t.call('auth.refresh', { input: { refreshToken: first.data.refreshToken } }),
      401,
      'SESSION_REVOKED',
    );
  });

  it('INVALID_CREDENTIALS: one message for an unknown user and a wrong password', async () => {
    const { user } = await registerUser(t);
    const wrong = await t.call('auth.login', {
      input: { username: user.username, password: 'not the password' },
    });
    const unknown = await t.call('auth.login', {
      input: { username: uniqueName('ghost'), password: 'not the password' },
    });
    expectAuthError(wrong, 401, 'INVALID_CREDENTIALS');
    expectAuthError(unknown, 401, 'INVALID_CREDENTIALS');
    expect(wrong.body.error.message).toBe(unknown.body.error.message);
  });

  it('RATE_LIMITED per (ip, username), with retryAfterMs, even for the right password', async () => {
    const { user } = await registerUser(t);
    const { user: other } = await registerUser(t);
    const attempt = (username: string, password: string) =>
      t.call('auth.login', { input: { username, password } });
    for (let i = 0; i < 3; i++)
      expectAuthError(await attempt(user.username, 'wrong password'), 401, 'INVALID_CREDENTIALS');
    await attempt(other.username, 'wrong password');
    const limited = await attempt(user.username, PASSWORD);
    expectAuthError(limited, 429, 'RATE_LIMITED');
    expect(limited.body.error.data.retryAfterMs).toBeGreaterThan(0);
    expect(limited.body.error.data.retryAfterMs).toBeLessThanOrEqual(60_000);
    // another user's successful login does not reset this pair, and vice versa
    expect((await attempt(other.username, PASSWORD)).status).toBe(200);
    expectAuthError(await attempt(user.username, PASSWORD), 429, 'RATE_LIMITED');
  });

  it('BAD_REQUEST with field errors for bad input, changing nothing', async () => {
    const cases = [
      ['auth.login', { username: 'ab', password: '' }],
      ['auth.login', { username: 'has space', password: PASSWORD }],
      ['auth.login', {}],
      ['auth.login', 'a string'],
      ['auth.register', { username: 'x'.repeat(65), password: PASSWORD }],
      ['auth.refresh', { refreshToken: 42 }],
      ['auth.refresh', { refreshToken: 'x'.repeat(600) }],
    ] as const;
    for (const [procedure, input] of cases) {
      const result = await t.call(procedure, { input });
      expect(result.status, JSON.stringify(input)).toBe(400);
      expect(result.body.error.data.code).toBe('BAD_REQUEST');
      expect(result.body.error.data.fieldErrors).toBeTypeOf('object');
      expect(JSON.stringify(result.body)).not.toContain('stack');
    }
    const bad = await t.call('auth.login', { input: { username: 'ab', password: '' } });
    expect(Object.keys(bad.body.error.data.fieldErrors).sort()).toEqual(['password', 'username']);
  });

  it('CONFLICT for a taken username, NOT_FOUND for an unknown session id', async () => {
    const login = await registerUser(t);
    const again = await t.call('auth.register', {
      input: { username: login.user.username, password: PASSWORD },
    });
    expect(again.status).toBe(409);
    const other = await registerUser(t);
    for (const sessionId of ['unknown', other.sessionId]) {
      const result = await t.call('auth.revokeSession', {
        input: { sessionId },
        token: login.accessToken,
      });
      expect(result.status).toBe(404);
    }
    expect((await t.call('auth.me', { token: other.accessToken })).status).toBe(200);
  });
});
