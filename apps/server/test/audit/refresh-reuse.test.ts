import { randomUUID } from 'node:crypto';
import { type RedisServer, startRedisServer } from '@latch/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock, registerUser, startTestServer, type TestServer } from '../harness.js';

/**
 * Audit finding 2: reuse detection was weaker than SPEC says. Inside the grace window every token
 * rotated in that window got its stored answer (a thief holding a token two rotations old chained
 * to the live one), and after 64 rotations the oldest tokens were forgotten (REFRESH_INVALID, the
 * session left alive). SPEC: only the most recently rotated token, less than REFRESH_REUSE_GRACE
 * ago, gets the grace answer; any other token ever issued for the session is reuse.
 */
const GRACE_S = 10;

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(() => redis?.stop());

describe.each(['memory', 'redis'] as const)('refresh reuse detection (%s store)', (kind) => {
  const clock = manualClock();
  const prefix = `reuse:${randomUUID().slice(0, 8)}:`;
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(
      {
        REFRESH_REUSE_GRACE: String(GRACE_S),
        ...(kind === 'redis' && { REDIS_URL: redis.url, REDIS_PREFIX: prefix }),
      },
      { clock },
    );
  });
  afterAll(() => t?.close());

  const refresh = (refreshToken: string) => t.call('auth.refresh', { input: { refreshToken } });

  const expectRevoked = async (tokens: { accessToken: string; refreshToken: string }) => {
    expect((await t.call('auth.me', { token: tokens.accessToken })).authCode).toBe(
      'SESSION_REVOKED',
    );
    expect((await refresh(tokens.refreshToken)).authCode).toBe('SESSION_REVOKED');
  };

  it('a token two rotations old, inside the grace window, is reuse: no chain to the live token', async () => {
    const login = await registerUser(t);
    const first = await refresh(login.refreshToken); // victim: T0 → T1
    expect(first.status).toBe(200);
    clock.advance(1_000);
    const second = await refresh(first.data.refreshToken); // victim: T1 → T2 (the live pair)
    expect(second.status).toBe(200);
    clock.advance(1_000); // both rotations less than the grace window ago

    // the thief replays T0: before the fix it got T1's pair, and T1 then got the live T2
    const stolen = await refresh(login.refreshToken);
    expect({ status: stolen.status, authCode: stolen.authCode }).toEqual({
      status: 401,
      authCode: 'REFRESH_REUSED',
    });
    await expectRevoked(second.data);
  });

  it('the most recently rotated token within the grace window gets its first answer, once more only as that', async () => {
    const login = await registerUser(t);
    const first = await refresh(login.refreshToken);
    clock.advance(1_000);
    const replay = await refresh(login.refreshToken);
    expect(replay.status).toBe(200);
    expect(replay.data).toEqual(first.data); // same pair: two tabs, or a lost response
    expect((await t.call('auth.me', { token: replay.data.accessToken })).status).toBe(200);
    // past the window the same token is reuse
    clock.advance(GRACE_S * 1000);
    expect((await refresh(login.refreshToken)).authCode).toBe('REFRESH_REUSED');
    await expectRevoked(first.data);
  });

  it('a token 70 rotations old is reuse and revokes the session', async () => {
    const login = await registerUser(t);
    let tokens = login;
    for (let i = 0; i < 70; i++) {
      const next = await refresh(tokens.refreshToken);
      expect(next.status, `rotation ${i}`).toBe(200);
      tokens = next.data;
    }
    clock.advance((GRACE_S + 1) * 1000);
    const old = await refresh(login.refreshToken);
    expect({ status: old.status, authCode: old.authCode }).toEqual({
      status: 401,
      authCode: 'REFRESH_REUSED',
    });
    await expectRevoked(tokens);
  });

  it('a forged old-generation token (right ids, wrong tag) is REFRESH_INVALID and changes nothing', async () => {
    const login = await registerUser(t);
    const first = await refresh(login.refreshToken);
    const second = await refresh(first.data.refreshToken);
    const parts: string[] = login.refreshToken.split('.');
    const tag = parts.at(-1)!;
    const forgedTag = `${tag[0] === 'A' ? 'B' : 'A'}${tag.slice(1)}`;
    const forged = [...parts.slice(0, -1), forgedTag].join('.');
    expect((await refresh(forged)).authCode).toBe('REFRESH_INVALID');
    expect((await t.call('auth.me', { token: second.data.accessToken })).status).toBe(200);
    expect((await refresh(second.data.refreshToken)).status).toBe(200);
  });

  if (kind === 'redis') {
    it('keeps the same bounded state however often a session refreshes', async () => {
      const client = new Redis(redis.url);
      try {
        const login = await registerUser(t);
        const sessionKey = `${prefix}{${login.user.id}}:s:${login.sessionId}`;
        let tokens = login;
        const sizes: number[] = [];
        for (let i = 1; i <= 80; i++) {
          tokens = (await refresh(tokens.refreshToken)).data;
          if (i === 2 || i === 80) {
            const fields = Object.entries(await client.hgetall(sessionKey)).flat();
            sizes.push(fields.join('').length);
          }
        }
        // the same fields; only the generation number grew a digit
        expect(sizes[1]).toBeLessThanOrEqual(sizes[0]! + 2);
        const keys = await client.keys(`${prefix}{${login.user.id}}:*`);
        for (const key of keys) expect(await client.pttl(key), key).toBeGreaterThan(0);
      } finally {
        client.disconnect();
      }
    });
  }
});
