import { randomUUID } from 'node:crypto';
import { type RedisServer, startRedisServer } from '@latch/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, startTestServer, type TestServer } from '../harness.js';

/**
 * REFRESH_REUSE_GRACE=0 is a valid setting (config allows 0: "no grace window"). Found by the
 * hardening work: on the Redis store the rotate script runs `SET … PX 0`, which Redis rejects
 * after the script has already rotated the hash, so every refresh answers 500 and the client's
 * retry with its old token then revokes the session as REFRESH_REUSED.
 */
let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(() => redis?.stop());

describe.each(['memory', 'redis'] as const)('REFRESH_REUSE_GRACE=0 (%s store)', (kind) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({
      REFRESH_REUSE_GRACE: '0',
      ...(kind === 'redis' && {
        REDIS_URL: redis.url,
        REDIS_PREFIX: `g0:${randomUUID().slice(0, 6)}:`,
      }),
    });
  });
  afterAll(() => t?.close());

  it('rotates on every refresh, and the rotated token is reuse at once', async () => {
    const login = await registerUser(t);
    const first = await t.call('auth.refresh', { input: { refreshToken: login.refreshToken } });
    expect([first.status, first.body.error?.data?.code]).toEqual([200, undefined]);
    const second = await t.call('auth.refresh', {
      input: { refreshToken: first.data.refreshToken },
    });
    expect(second.status).toBe(200);
    expect((await t.call('auth.me', { token: second.data.accessToken })).status).toBe(200);
    // no grace: the rotated token is reuse straight away, and ends the session
    const reuse = await t.call('auth.refresh', { input: { refreshToken: login.refreshToken } });
    expect(reuse.authCode).toBe('REFRESH_REUSED');
    expect((await t.call('auth.me', { token: second.data.accessToken })).authCode).toBe(
      'SESSION_REVOKED',
    );
  });
});
