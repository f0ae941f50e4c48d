import { randomUUID } from 'node:crypto';
import { type RedisServer, startRedisServer } from '@latch/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, registerUser, startTestServer, type TestServer } from '../harness.js';

/**
 * Audit finding 3: nothing limited failed logins from one ip across usernames (20 usernames
 * sprayed from one ip were never limited), and registration was unlimited (16 users per batch).
 * LOGIN_IP_RATE_LIMIT and REGISTER_RATE_LIMIT, counted in advance like the per-(ip, username) one.
 */
let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(() => redis?.stop());

const name = () => `spray_${randomUUID().slice(0, 12)}`;

describe.each(['memory', 'redis'] as const)('anti-automation (%s store)', (kind) => {
  const prefix = `aa:${randomUUID().slice(0, 8)}:`;
  const servers: TestServer[] = [];
  const start = async (env: Record<string, string>) => {
    const t = await startTestServer({
      TRUST_PROXY: 'true', // each test sprays from its own (forwarded) client ip
      ...env,
      ...(kind === 'redis' && { REDIS_URL: redis.url, REDIS_PREFIX: prefix }),
    });
    servers.push(t);
    return t;
  };
  afterAll(() => Promise.all(servers.map((t) => t.close())));

  const fromIp = (ip: string) => ({ 'x-forwarded-for': ip });
  let ipCounter = 0;
  const nextIp = () => `203.0.113.${++ipCounter}`;

  it('password spraying: 20 usernames from one ip hit LOGIN_IP_RATE_LIMIT', async () => {
    const t = await start({ LOGIN_IP_RATE_LIMIT: '10/900', LOGIN_RATE_LIMIT: '5/900' });
    const ip = nextIp();
    const answers = [];
    for (let i = 0; i < 20; i++) {
      const result = await t.call('auth.login', {
        input: { username: name(), password: 'Summer2026!!' },
        headers: fromIp(ip),
      });
      answers.push(result);
    }
    const codes = answers.map((r) => r.authCode);
    expect(codes.slice(0, 10)).toEqual(Array(10).fill('INVALID_CREDENTIALS'));
    expect(codes.slice(10)).toEqual(Array(10).fill('RATE_LIMITED'));
    const retry = answers[10]!.body.error.data.retryAfterMs;
    expect(retry).toBeGreaterThan(800_000);
    expect(retry).toBeLessThanOrEqual(900_000);
    // at the limit even the right password of a real user is refused from that ip...
    const { user } = await registerUser(t);
    const right = { input: { username: user.username, password: PASSWORD } };
    expect((await t.call('auth.login', { ...right, headers: fromIp(ip) })).authCode).toBe(
      'RATE_LIMITED',
    );
    // ...while another ip is not affected
    expect((await t.call('auth.login', { ...right, headers: fromIp(nextIp()) })).status).toBe(200);
  });

  it('a successful login does not clear the ip counter (only its own attempt is not counted)', async () => {
    const t = await start({ LOGIN_IP_RATE_LIMIT: '6/900', LOGIN_RATE_LIMIT: '100/900' });
    const ip = nextIp();
    const { user } = await registerUser(t);
    const attempt = (username: string, password: string) =>
      t.call('auth.login', { input: { username, password }, headers: fromIp(ip) });
    const codes = [];
    for (let i = 0; i < 12; i++) {
      codes.push((await attempt(name(), 'wrong password 1')).authCode);
      codes.push((await attempt(user.username, PASSWORD)).authCode ?? 'OK');
    }
    // six failures fill the window whatever the successes in between; then everything waits
    expect(codes.slice(0, 11)).toEqual([
      ...Array(5).fill(['INVALID_CREDENTIALS', 'OK']).flat(),
      'INVALID_CREDENTIALS',
    ]);
    expect(codes.slice(11)).toEqual(Array(13).fill('RATE_LIMITED'));
  });

  it('counts in advance: 30 parallel wrong logins with a limit of 10 let exactly 10 through', async () => {
    const t = await start({ LOGIN_IP_RATE_LIMIT: '10/900', LOGIN_RATE_LIMIT: '100/900' });
    const ip = nextIp();
    const results = await Promise.all(
      Array.from({ length: 30 }, () =>
        t.call('auth.login', {
          input: { username: name(), password: 'wrong password 2' },
          headers: fromIp(ip),
        }),
      ),
    );
    const codes = results.map((r) => r.authCode);
    expect(codes.filter((c) => c === 'INVALID_CREDENTIALS')).toHaveLength(10);
    expect(codes.filter((c) => c === 'RATE_LIMITED')).toHaveLength(20);
  });

  it('registration: a batch of 16 from one ip gets REGISTER_RATE_LIMIT (default 10/3600)', async () => {
    const t = await start({ REGISTER_RATE_LIMIT: '10/3600' });
    const ip = nextIp();
    const inputs = Array.from({ length: 16 }, () => ({ username: name(), password: PASSWORD }));
    const path = Array(16).fill('auth.register').join(',');
    const response = await fetch(`${t.url}/trpc/${path}?batch=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...fromIp(ip) },
      body: JSON.stringify(Object.fromEntries(inputs.map((input, i) => [i, input]))),
    });
    const answers = (await response.json()) as {
      result?: unknown;
      error?: { data: { authCode?: string; retryAfterMs?: number } };
    }[];
    expect(answers.filter((a) => a.result)).toHaveLength(10);
    const refused = answers.filter((a) => a.error);
    expect(refused.map((a) => a.error?.data.authCode)).toEqual(Array(6).fill('RATE_LIMITED'));
    expect(refused[0]?.error?.data.retryAfterMs).toBeGreaterThan(3_000_000);
    // a refused registration created nothing
    const refusedName = inputs.find((_, i) => answers[i]?.error)!.username;
    const login = await t.call('auth.login', {
      input: { username: refusedName, password: PASSWORD },
      headers: fromIp(nextIp()),
    });
    expect(login.authCode).toBe('INVALID_CREDENTIALS');
    // another ip may still register
    const other = await t.call('auth.register', {
      input: { username: name(), password: PASSWORD },
      headers: fromIp(nextIp()),
    });
    expect(other.status).toBe(200);
  });

  if (kind === 'redis') {
    it('keeps one ip’s counters in one hash tag, each with a TTL', async () => {
      const client = new Redis(redis.url);
      try {
        const keys = (await client.keys(`${prefix}*`)).filter((k) => !k.includes('}:s:'));
        const limiterKeys = keys.filter((k) => /\{rl:[^}]+\}:(login:|login-ip|register)/.test(k));
        expect(limiterKeys.length).toBeGreaterThan(0);
        for (const key of keys) expect(await client.pttl(key), key).toBeGreaterThan(0);
      } finally {
        client.disconnect();
      }
    });
  }
});
