import { randomUUID } from 'node:crypto';
import { type RedisServer, startRedisServer } from '@latch/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, startTestServer, type TestServer } from '../harness.js';

/**
 * Audit finding 1 (HIGH): usernames were unique by exact case while the attempt counter keyed on
 * the lower-cased name, and a successful login reset it. Whoever owned `Bob` reset the counter of
 * `bob` at will: 37 wrong guesses, zero RATE_LIMITED. Usernames are now unique whatever their
 * case and accepted at login in any case.
 */
let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(() => redis?.stop());

describe.each(['memory', 'redis'] as const)('usernames whatever their case (%s store)', (kind) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({
      LOGIN_RATE_LIMIT: '5/900',
      ...(kind === 'redis' && {
        REDIS_URL: redis.url,
        REDIS_PREFIX: `case:${randomUUID().slice(0, 8)}:`,
      }),
    });
  });
  afterAll(() => t?.close());

  // Names stay within the 64-character limit and unique per run.
  const name = (base: string) => `${base}_${randomUUID().slice(0, 8)}`;
  const register = (username: string, password = PASSWORD) =>
    t.call('auth.register', { input: { username, password } });
  const login = (username: string, password: string) =>
    t.call('auth.login', { input: { username, password } });

  it('refuses a case variant of a taken name with CONFLICT', async () => {
    const bob = name('bob');
    expect((await register(bob)).status).toBe(200);
    const variant = await register(bob.replace('bob', 'Bob'));
    expect(variant.status).toBe(409);
    expect(variant.body.error.data.code).toBe('CONFLICT');
    expect((await register(bob.toUpperCase())).status).toBe(409);
  });

  it('the case-variant bypass: 37 wrong guesses for bob, the owner of Bob logging in between, are rate limited', async () => {
    const victim = name('bob');
    const attacker = victim.replace('bob', 'Bob');
    const attackerPassword = 'the attacker owns this one';
    expect((await register(victim)).status).toBe(200);
    await register(attacker, attackerPassword); // 409 now; before the fix a second account

    const answers: (string | undefined)[] = [];
    for (let guess = 1; guess <= 37; guess++) {
      answers.push((await login(victim, `guess number ${guess}`)).authCode);
      // the owner of `Bob` logs in every few guesses, which used to reset `bob`'s counter
      if (guess % 4 === 0) await login(attacker, attackerPassword);
    }
    const limited = answers.filter((code) => code === 'RATE_LIMITED').length;
    expect(limited, `answers: ${answers.join(', ')}`).toBeGreaterThanOrEqual(37 - 5);
    expect(answers.slice(0, 4)).toEqual(Array(4).fill('INVALID_CREDENTIALS'));
    expect(answers.slice(6)).toEqual(Array(31).fill('RATE_LIMITED'));
  });

  it('accepts the name at login in any case and shows it as first registered', async () => {
    const username = name('MixedCase');
    const registered = await register(username);
    for (const typed of [username, username.toLowerCase(), username.toUpperCase()]) {
      const result = await login(typed, PASSWORD);
      expect(result.status, typed).toBe(200);
      expect(result.data.user).toEqual(registered.data.user);
      const me = await t.call('auth.me', { token: result.data.accessToken });
      expect(me.data.user.username).toBe(username);
    }
  });
});
