import { randomUUID } from 'node:crypto';
import { type RedisServer, startRedisServer } from '@latch/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CallResult,
  PASSWORD,
  registerUser,
  startTestServer,
  type TestServer,
} from '../harness.js';
import { concurrencyLimit, sleep } from './support.js';

/**
 * A few hundred virtual users on loopback log in (sometimes on two "devices"), call auth.me and
 * auth.sessions, refresh (ahead of expiry or after TOKEN_EXPIRED, sometimes twice at once like
 * two tabs), and log out, revoke or log out everywhere, for SOAK_SECONDS (default 25). Then: no
 * error but the expected auth codes, and no leaked keys — every key has a TTL, and once everyone
 * has logged out only tombstones are left, one per ended session.
 */

const SOAK_MS = Number(process.env.SOAK_SECONDS ?? 25) * 1000;
const USERS = Number(process.env.SOAK_USERS ?? 300);
/** In-flight requests at once: the server shares this process and 2 cores with the generator. */
const IN_FLIGHT = 16;
const ACCESS_TTL_S = 2;
const GRACE_S = 5;
const TOMBSTONE_MS = ACCESS_TTL_S * 1000 + 60_000; // sessionTimeoutsOf: access TTL + 60 s margin

const prefix = `soak:${randomUUID().slice(0, 6)}:`;
let redis: RedisServer;
let t: TestServer;
let client: Redis;

beforeAll(async () => {
  redis = await startRedisServer();
  t = await startTestServer({
    REDIS_URL: redis.url,
    REDIS_PREFIX: prefix,
    ACCESS_TOKEN_TTL: String(ACCESS_TTL_S),
    REFRESH_REUSE_GRACE: String(GRACE_S),
    LOGIN_RATE_LIMIT: '1000000/60',
  });
  client = new Redis(redis.url);
}, 60_000);

afterAll(async () => {
  client?.disconnect();
  await t?.close();
  await redis?.stop();
});

interface Tokens {
  sessionId: string;
  accessToken: string;
  accessTokenExpiresAt: number;
  refreshToken: string;
}

const limit = concurrencyLimit(IN_FLIGHT);
const stats = {
  requests: 0,
  byProcedure: new Map<string, number[]>(),
  logins: 0,
  refreshes: 0,
  doubleRefreshes: 0,
  tokenExpired: 0,
  revokedChecks: 0,
  revocations: [] as number[],
  errors: [] as string[],
};

async function call(
  procedure: string,
  options: { input?: unknown; token?: string; ua?: string } = {},
): Promise<CallResult> {
  return limit(async () => {
    const started = performance.now();
    try {
      return await t.call(procedure, {
        input: options.input,
        token: options.token,
        headers: { 'user-agent': options.ua ?? 'soak' },
      });
    } finally {
      stats.requests += 1;
      const list = stats.byProcedure.get(procedure) ?? [];
      list.push(performance.now() - started);
      stats.byProcedure.set(procedure, list);
    }
  });
}

function unexpected(what: string, result: CallResult): void {
  if (stats.errors.length < 50) {
    stats.errors.push(`${what}: ${result.status} ${JSON.stringify(result.body).slice(0, 300)}`);
  } else stats.errors.push(what);
}

/** One virtual user: its own account, cycles of login → activity → logout until the deadline. */
async function virtualUser(index: number, username: string, deadline: number): Promise<void> {
  const proactive = index % 2 === 0; // refreshes ahead of expiry, like @latch/client's skew
  const ua = `soak-vu/${index}`;
  const rand = (n: number) => Math.floor(Math.random() * n);

  const login = async (): Promise<Tokens | undefined> => {
    const r = await call('auth.login', { input: { username, password: PASSWORD }, ua });
    stats.logins += 1;
    if (r.status === 200) return r.data;
    unexpected(`login ${username}`, r);
    return undefined;
  };
  const refresh = async (s: Tokens): Promise<boolean> => {
    const r = await call('auth.refresh', { input: { refreshToken: s.refreshToken }, ua });
    stats.refreshes += 1;
    if (r.status !== 200) {
      unexpected(`refresh ${username}`, r);
      return false;
    }
    Object.assign(s, r.data);
    return true;
  };
  /** Two tabs refreshing with the same token at once: the grace window gives both one answer. */
  const doubleRefresh = async (s: Tokens): Promise<boolean> => {
    const input = { refreshToken: s.refreshToken };
    const [a, b] = await Promise.all([
      call('auth.refresh', { input, ua }),
      call('auth.refresh', { input, ua }),
    ]);
    stats.refreshes += 2;
    stats.doubleRefreshes += 1;
    if (a.status !== 200 || b.status !== 200 || JSON.stringify(a.data) !== JSON.stringify(b.data)) {
      unexpected(
        `double refresh ${username} (other: ${b.status} ${JSON.stringify(b.body).slice(0, 200)})`,
        a,
      );
      return false;
    }
    Object.assign(s, a.data);
    return true;
  };
  /** A protected call the way the client link makes it: refresh first or after TOKEN_EXPIRED. */
  const authed = async (
    procedure: string,
    s: Tokens,
    input?: unknown,
  ): Promise<CallResult | undefined> => {
    if (proactive && s.accessTokenExpiresAt - Date.now() < 500 && !(await refresh(s))) return;
    let r = await call(procedure, { token: s.accessToken, input, ua });
    if (r.authCode === 'TOKEN_EXPIRED') {
      stats.tokenExpired += 1;
      if (!(await refresh(s))) return;
      r = await call(procedure, { token: s.accessToken, input, ua });
    }
    if (r.status === 200) return r;
    unexpected(`${procedure} ${username}`, r);
    return undefined;
  };
  const expectRevoked = async (s: Tokens) => {
    const r = await call('auth.me', { token: s.accessToken, ua });
    stats.revokedChecks += 1;
    if (r.authCode !== 'SESSION_REVOKED') unexpected(`me after logout ${username}`, r);
  };
  const revoked = (n: number) => {
    for (let i = 0; i < n; i++) stats.revocations.push(Date.now());
  };

  while (Date.now() < deadline) {
    const first = await login();
    if (!first) return;
    const second = rand(4) === 0 ? await login() : undefined;
    const steps = 3 + rand(10);
    // past the deadline a cycle skips to its logout, so the run ends within one step of it
    for (let step = 0; step < steps && Date.now() < deadline; step++) {
      const dice = rand(20);
      if (dice < 9) {
        const me = await authed('auth.me', first);
        if (me && me.data.session.id !== first.sessionId) unexpected('me: wrong session', me);
      } else if (dice < 14) {
        const list = await authed('auth.sessions', first);
        const expected = second ? 2 : 1;
        if (list && list.data.length !== expected)
          unexpected(`sessions: expected ${expected}`, list);
      } else if (dice < 16) {
        await refresh(first);
      } else if (dice < 17) {
        await doubleRefresh(first);
      } else if (second) {
        await authed('auth.me', second);
      }
      await sleep(rand(250)); // think time, holding no request slot
    }
    if (second && rand(2) === 0) {
      const all = await authed('auth.logoutAll', first);
      if (all && all.data.revoked !== 2) unexpected('logoutAll: expected 2', all);
      if (all) revoked(2);
      await expectRevoked(second);
    } else {
      if (second) {
        const r = await authed('auth.revokeSession', first, { sessionId: second.sessionId });
        if (r) revoked(1);
        await expectRevoked(second);
      }
      const out = await authed('auth.logout', first);
      if (out) revoked(1);
    }
    if (rand(5) === 0) await expectRevoked(first);
  }
}

/** Every key under the prefix with its TTL and kind (`s`, `t`, `g`, `u`, `rl` counters). */
async function keysWithTtl(): Promise<{ key: string; kind: string; pttl: number }[]> {
  const keys = await client.keys(`${prefix}*`);
  const pipeline = client.pipeline();
  for (const key of keys) pipeline.pttl(key);
  const ttls = (await pipeline.exec()) ?? [];
  return keys.map((key, i) => {
    const rest = key.slice(prefix.length);
    const kind = rest.startsWith('{rl:') ? 'rl' : (rest.split('}:')[1] ?? '').split(':')[0]!;
    return { key, kind, pttl: ttls[i]?.[1] as number };
  });
}

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : 0;

describe('soak', () => {
  it(
    `${USERS} virtual users for ${SOAK_MS / 1000} s: only expected auth codes, no leaked keys`,
    async () => {
      const usernames = await Promise.all(
        Array.from({ length: USERS }, (_, i) =>
          limit(() => registerUser(t, `soak${i}-${randomUUID().slice(0, 8)}`)),
        ),
      );
      // registration opened one session each (whose 2 s tokens are stale by now): drop those
      // keys so the count below starts from an empty prefix
      const registered = await client.keys(`${prefix}*`);
      if (registered.length > 0) await client.del(...registered);
      const dbBefore = await client.dbsize();

      const started = Date.now();
      const deadline = started + SOAK_MS;
      const midway = (async () => {
        await sleep(SOAK_MS / 2);
        return keysWithTtl();
      })();
      await Promise.all(usernames.map((u, i) => virtualUser(i, u.user.username, deadline)));
      const elapsed = Date.now() - started;
      const middle = await midway;
      const after = await keysWithTtl();
      const dbAfter = await client.dbsize();

      const latency = [...stats.byProcedure].map(([procedure, list]) => {
        const sorted = list.sort((a, b) => a - b);
        return `${procedure} n=${sorted.length} p50=${percentile(sorted, 50).toFixed(1)} p99=${percentile(sorted, 99).toFixed(1)} max=${sorted.at(-1)?.toFixed(1)} ms`;
      });
      const kinds = (list: { kind: string }[]) => {
        const counts: Record<string, number> = {};
        for (const { kind } of list) counts[kind] = (counts[kind] ?? 0) + 1;
        return JSON.stringify(counts);
      };
      console.log(
        [
          `soak: ${USERS} users, ${(elapsed / 1000).toFixed(1)} s, ${stats.requests} requests (${Math.round(stats.requests / (elapsed / 1000))}/s)`,
          `  logins ${stats.logins}, refreshes ${stats.refreshes} (double ${stats.doubleRefreshes}), TOKEN_EXPIRED then refreshed ${stats.tokenExpired}, revoked sessions ${stats.revocations.length}, SESSION_REVOKED checks ${stats.revokedChecks}`,
          `  keys midway ${middle.length} ${kinds(middle)}; after ${after.length} ${kinds(after)}; DBSIZE before ${dbBefore}, after ${dbAfter}`,
          ...latency.map((l) => `  ${l}`),
          ...stats.errors.slice(0, 10).map((e) => `  error: ${e}`),
        ].join('\n'),
      );

      expect(stats.errors, stats.errors.slice(0, 10).join('\n')).toEqual([]);
      expect(stats.refreshes).toBeGreaterThan(0);
      expect(stats.tokenExpired).toBeGreaterThan(0); // the after-expiry path ran too
      expect(stats.logins).toBeGreaterThanOrEqual(USERS);
      expect(stats.revocations.length).toBe(stats.logins); // every session opened was ended

      // midway: every key has a TTL (-1 would be a key that lives forever; -2 expired meanwhile)
      expect(middle.filter((k) => k.pttl === -1).map((k) => k.key)).toEqual([]);
      expect(middle.filter((k) => k.kind === 's').length).toBeLessThanOrEqual(2 * USERS);
      expect(middle.filter((k) => k.kind === 'u').length).toBeLessThanOrEqual(USERS);
      expect(middle.filter((k) => !['s', 't', 'g', 'u', 'rl'].includes(k.kind))).toEqual([]);

      // after everyone logged out: tombstones only, one per ended session still within its TTL
      expect(after.filter((k) => k.kind !== 't').map((k) => k.key)).toEqual([]);
      for (const k of after) {
        expect(k.pttl, k.key).toBeGreaterThan(0);
        expect(k.pttl, k.key).toBeLessThanOrEqual(TOMBSTONE_MS);
      }
      const end = Date.now();
      const recent = stats.revocations.filter((at) => at > end - TOMBSTONE_MS + 2_000).length;
      expect(after.length).toBeLessThanOrEqual(stats.revocations.length);
      expect(after.length).toBeGreaterThanOrEqual(recent);
      expect(dbAfter - dbBefore).toBe(after.length);
    },
    SOAK_MS + 90_000,
  );
});
