import { randomUUID } from 'node:crypto';
import { type RedisServer, startRedisServer, waitFor } from '@latch/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, startTestServer, type TestServer } from '../harness.js';
import { sleep } from './support.js';

/**
 * Redis (AOF, fsync always) is SIGKILLed under a steady load of auth.me calls and started again
 * on the same port, the server running all along. While it is down every call is answered 503
 * AUTH_UNAVAILABLE, and nothing else — no 500, no 401, no 200; afterwards every session accepted
 * before the kill works again by itself, and a revoked one stays revoked.
 */

const SESSIONS = 20;
const WARM_UP_MS = 1_000;
const DOWN_MS = 2_000;
const PACE_MS = 15;

let redis: RedisServer;
let t: TestServer;

beforeAll(async () => {
  redis = await startRedisServer({ aof: true });
  t = await startTestServer({
    REDIS_URL: redis.url,
    REDIS_PREFIX: `kill:${randomUUID().slice(0, 6)}:`,
    // a refresh cut off by the crash is retried after the restart: well inside the grace window
    REFRESH_REUSE_GRACE: '30',
  });
}, 60_000);

afterAll(async () => {
  await t?.close();
  await redis?.stop();
});

interface Sample {
  start: number;
  end: number;
  status: number;
  authCode: string | undefined;
  sessionId: string | undefined;
}

describe('Redis killed under load and restarted', () => {
  it('answers only AUTH_UNAVAILABLE while down and recovers every session by itself', async () => {
    const logins = await Promise.all(Array.from({ length: SESSIONS + 2 }, () => registerUser(t)));
    const live = logins.slice(0, SESSIONS);
    const revoked = logins[SESSIONS]!;
    const refresher = logins[SESSIONS + 1]!;
    expect((await t.call('auth.logout', { token: revoked.accessToken })).status).toBe(200);

    let running = true;
    const samples = new Map<string, Sample[]>();
    const loop = async (token: string, key: string) => {
      const list: Sample[] = [];
      samples.set(key, list);
      while (running) {
        const start = Date.now();
        const r = await t.call('auth.me', { token });
        list.push({
          start,
          end: Date.now(),
          status: r.status,
          authCode: r.authCode,
          sessionId: r.data?.session?.id,
        });
        await sleep(PACE_MS);
      }
    };
    // one client refreshing all along, retrying a failed refresh with the same token (as a lost
    // response is retried): the grace window makes a rotation whose answer was lost harmless
    const refreshes: { start: number; status: number; authCode: string | undefined }[] = [];
    const refreshLoop = async () => {
      let token = refresher.refreshToken;
      while (running) {
        const start = Date.now();
        const r = await t.call('auth.refresh', { input: { refreshToken: token } });
        refreshes.push({ start, status: r.status, authCode: r.authCode });
        if (r.status === 200) token = r.data.refreshToken;
        await sleep(PACE_MS * 4);
      }
      return token;
    };
    const loops = [
      ...live.map((l) => loop(l.accessToken, l.sessionId)),
      loop(revoked.accessToken, 'revoked'),
    ];
    const refreshing = refreshLoop();

    await sleep(WARM_UP_MS);
    const killAt = Date.now();
    await redis.kill();
    const killedAt = Date.now();

    await sleep(DOWN_MS / 2);
    const health = await fetch(`${t.url}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: 'down', redis: 'down' });
    const { username } = live[0]!.user;
    const loginWhileDown = await t.call('auth.login', {
      input: { username, password: 'whatever-it-is' },
    });
    expect([loginWhileDown.status, loginWhileDown.authCode]).toEqual([503, 'AUTH_UNAVAILABLE']);
    await sleep(DOWN_MS / 2);

    const restartAt = Date.now();
    await redis.restart();
    const restartedAt = Date.now();
    await waitFor(
      async () =>
        [...samples.values()].every((list) =>
          list.some((s) => s.start > restartedAt && s.status !== 503),
        ),
      { timeoutMs: 20_000, intervalMs: 20, what: 'every session to be answered again' },
    );
    const recoveredAt = Date.now();
    await sleep(500);
    running = false;
    await Promise.all(loops);
    const refreshToken = await refreshing;

    const all = [...samples.entries()].flatMap(([key, list]) => list.map((s) => ({ key, ...s })));
    const outage = all.filter((s) => s.status === 503);
    const firstOk = (key: string) =>
      samples.get(key)!.find((s) => s.start > restartedAt && s.status !== 503)?.end ?? Infinity;
    console.log(
      [
        `redis kill: ${all.length} auth.me calls from ${SESSIONS} live + 1 revoked session, ${refreshes.length} refreshes`,
        `  killed at +0 (SIGKILL took ${killedAt - killAt} ms), restarted at +${restartAt - killAt} ms (up after ${restartedAt - restartAt} ms)`,
        `  503s: ${outage.length}, first at +${Math.min(...outage.map((s) => s.end)) - killAt} ms, last at +${Math.max(...outage.map((s) => s.end)) - killAt} ms`,
        `  sessions answered again from +${Math.min(...live.map((l) => firstOk(l.sessionId))) - killAt} ms to +${Math.max(...live.map((l) => firstOk(l.sessionId))) - killAt} ms (all by +${recoveredAt - killAt} ms)`,
      ].join('\n'),
    );

    // the only failure is AUTH_UNAVAILABLE, for every session (and for nothing else)
    for (const s of all) {
      if (s.status === 503) expect(s.authCode, s.key).toBe('AUTH_UNAVAILABLE');
      else if (s.key === 'revoked')
        expect([s.status, s.authCode]).toEqual([401, 'SESSION_REVOKED']);
      else expect([s.key, s.status]).toEqual([s.key, 200]);
    }
    // nothing let through while down: every call made and answered inside the outage is a 503
    const inside = all.filter((s) => s.start >= killedAt && s.end <= restartAt);
    expect(inside.length).toBeGreaterThan(SESSIONS * 5);
    expect(inside.filter((s) => s.status !== 503)).toEqual([]);
    // no failures outside the outage: none before the kill, none once a session is back
    expect(all.filter((s) => s.status === 503 && s.end < killAt)).toEqual([]);
    for (const [key, list] of samples) {
      const back = list.findIndex((s) => s.start > restartedAt && s.status !== 503);
      expect(back, key).toBeGreaterThan(0);
      expect(
        list.slice(back).filter((s) => s.status === 503),
        key,
      ).toEqual([]);
    }
    // the same sessions, kept by AOF, without restarting the server
    for (const l of live) {
      const after = samples
        .get(l.sessionId)!
        .filter((s) => s.start > restartedAt && s.status === 200);
      expect(after.length, l.sessionId).toBeGreaterThan(0);
      expect(new Set(after.map((s) => s.sessionId))).toEqual(new Set([l.sessionId]));
    }
    // refreshes failed only with AUTH_UNAVAILABLE and the chain survived the crash
    expect(refreshes.filter((r) => r.status !== 200 && r.authCode !== 'AUTH_UNAVAILABLE')).toEqual(
      [],
    );
    expect(refreshes.some((r) => r.start > restartedAt && r.status === 200)).toBe(true);
    const final = await t.call('auth.refresh', { input: { refreshToken } });
    expect(final.status).toBe(200);
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  }, 60_000);
});
