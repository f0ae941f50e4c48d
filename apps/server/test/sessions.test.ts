import { randomUUID } from 'node:crypto';
import { type RedisServer, startRedisServer } from '@latch/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, registerUser, startTestServer, type TestServer } from './harness.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(() => redis?.stop());

const redisEnv = () => ({ REDIS_URL: redis.url, REDIS_PREFIX: `t:${randomUUID().slice(0, 8)}:` });

describe('multi-device sessions', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(redisEnv());
  });
  afterAll(() => t?.close());

  const loginAs = (username: string, userAgent: string) =>
    t.call('auth.login', {
      input: { username, password: PASSWORD },
      headers: { 'user-agent': userAgent },
    });

  it('lists every device with ip and user agent, marks the current one, revokes one and all', async () => {
    const phone = await registerUser(t);
    const { username } = phone.user;
    const laptop = (await loginAs(username, 'Laptop/1.0')).data;
    const tablet = (await loginAs(username, 'Tablet/2.0')).data;

    const list = await t.call('auth.sessions', { token: laptop.accessToken });
    expect(list.status).toBe(200);
    expect(list.data.map((s: { id: string }) => s.id)).toEqual([
      phone.sessionId,
      laptop.sessionId,
      tablet.sessionId,
    ]);
    expect(list.data.find((s: { current: boolean }) => s.current).id).toBe(laptop.sessionId);
    expect(list.data[1]).toMatchObject({ ip: '127.0.0.1', userAgent: 'Laptop/1.0' });

    const revoked = await t.call('auth.revokeSession', {
      input: { sessionId: tablet.sessionId },
      token: laptop.accessToken,
    });
    expect(revoked.data).toEqual({ ok: true });
    expect((await t.call('auth.me', { token: tablet.accessToken })).authCode).toBe(
      'SESSION_REVOKED',
    );
    expect((await t.call('auth.me', { token: phone.accessToken })).status).toBe(200);

    const all = await t.call('auth.logoutAll', { token: phone.accessToken });
    expect(all.data).toEqual({ revoked: 2 });
    for (const s of [phone, laptop])
      expect((await t.call('auth.me', { token: s.accessToken })).authCode).toBe('SESSION_REVOKED');
  });

  it('accepts the bearer scheme in any case (RFC 9110)', async () => {
    const login = await registerUser(t);
    const lower = await t.call('auth.me', {
      headers: { authorization: `bearer ${login.accessToken}` },
    });
    expect(lower.status).toBe(200);
  });

  it('revoking the current session acts as logout', async () => {
    const login = await registerUser(t);
    const result = await t.call('auth.revokeSession', {
      input: { sessionId: login.sessionId },
      token: login.accessToken,
    });
    expect(result.data).toEqual({ ok: true });
    expect((await t.call('auth.me', { token: login.accessToken })).authCode).toBe(
      'SESSION_REVOKED',
    );
  });

  it('auth.me reports the session with its idle deadline', async () => {
    const login = await registerUser(t);
    const me = await t.call('auth.me', { token: login.accessToken });
    const { session, user } = me.data;
    expect(user).toEqual(login.user);
    expect(session.id).toBe(login.sessionId);
    expect(session.idleExpiresAt - session.lastActiveAt).toBe(1800 * 1000);
    expect(session.absoluteExpiresAt - session.createdAt).toBe(604_800 * 1000);
  });
});

describe('SESSION_POLICY=single (the tutorial: one session per user)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ ...redisEnv(), SESSION_POLICY: 'single' });
  });
  afterAll(() => t?.close());

  it('a new login revokes the previous session', async () => {
    const first = await registerUser(t);
    const second = await t.call('auth.login', {
      input: { username: first.user.username, password: PASSWORD },
    });
    expect((await t.call('auth.me', { token: first.accessToken })).authCode).toBe(
      'SESSION_REVOKED',
    );
    expect((await t.call('auth.me', { token: second.data.accessToken })).status).toBe(200);
    expect((await t.call('auth.sessions', { token: second.data.accessToken })).data).toHaveLength(
      1,
    );
  });
});

describe('registration switch', () => {
  it('ALLOW_REGISTRATION=false refuses auth.register', async () => {
    const t = await startTestServer({ ALLOW_REGISTRATION: 'false' });
    const result = await t.call('auth.register', {
      input: { username: 'someone', password: PASSWORD },
    });
    expect(result.status).toBe(404);
    await t.close();
  });
});
