import { randomUUID } from 'node:crypto';
import { type RedisServer, startRedisServer, waitFor } from '@latch/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, startTestServer, type TestServer } from './harness.js';

let redis: RedisServer;
let t: TestServer;
beforeAll(async () => {
  redis = await startRedisServer({ aof: true });
  t = await startTestServer({
    REDIS_URL: redis.url,
    REDIS_PREFIX: `outage:${randomUUID().slice(0, 8)}:`,
  });
});
afterAll(async () => {
  await t?.close();
  await redis?.stop();
});

describe('Redis stopped and restarted mid-test', () => {
  it('answers AUTH_UNAVAILABLE while down, lets nothing through, and recovers with the session intact', async () => {
    const login = await registerUser(t);
    expect((await t.call('auth.me', { token: login.accessToken })).status).toBe(200);

    await redis.kill();
    for (const call of [
      t.call('auth.me', { token: login.accessToken }),
      t.call('auth.refresh', { input: { refreshToken: login.refreshToken } }),
      t.call('auth.login', { input: { username: login.user.username, password: 'whatever-123' } }),
    ]) {
      const result = await call;
      expect({ status: result.status, authCode: result.authCode }).toEqual({
        status: 503,
        authCode: 'AUTH_UNAVAILABLE',
      });
    }
    const health = await fetch(`${t.url}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ status: 'down', redis: 'down', db: 'ok' });

    const newcomer = {
      username: `late-${login.user.username}`,
      password: 'a long enough password',
    };
    const refused = await t.call('auth.register', { input: newcomer });
    expect(refused.authCode).toBe('AUTH_UNAVAILABLE');

    await redis.restart();
    await waitFor(
      async () => (await t.call('auth.me', { token: login.accessToken })).status === 200,
      {
        what: 'the server to reconnect by itself',
      },
    );
    const me = await t.call('auth.me', { token: login.accessToken });
    expect(me.data.session.id).toBe(login.sessionId); // the same session, kept by AOF
    expect(
      (await t.call('auth.refresh', { input: { refreshToken: login.refreshToken } })).status,
    ).toBe(200);
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    // the refused registration left no user behind: the name is still free
    expect((await t.call('auth.register', { input: newcomer })).status).toBe(200);
  });
});
