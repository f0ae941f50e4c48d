import { randomUUID } from 'node:crypto';
import { PasswordHasher } from '@latch/api';
import { type RedisServer, startRedisServer } from '@latch/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAST_HASH, PASSWORD, registerUser, startTestServer, type TestServer } from '../harness.js';

/**
 * Audit finding 4: eight spaces, `password` and `12345678` were accepted, passwords were hashed
 * as typed, and there was no way to change one. SPEC: PASSWORD_MIN_LENGTH (default 12) to 128
 * characters, NFKC before hashing, not a commonly used password; auth.changePassword.
 */
let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(() => redis?.stop());

const name = () => `pw_${randomUUID().slice(0, 12)}`;

describe('new passwords follow the policy', () => {
  const servers: TestServer[] = [];
  afterAll(() => Promise.all(servers.map((t) => t.close())));
  const start = async (env: Record<string, string> = {}) => {
    const t = await startTestServer(env);
    servers.push(t);
    return t;
  };
  const register = (t: TestServer, password: string) =>
    t.call('auth.register', { input: { username: name(), password } });
  const passwordErrors = (result: { body: { error?: { data?: { fieldErrors?: object } } } }) =>
    (result.body.error?.data?.fieldErrors as Record<string, string[]> | undefined)?.password;

  it('refuses eight spaces, `password` and `12345678` with a field error naming the rule', async () => {
    const t = await start();
    for (const password of ['        ', 'password', '12345678']) {
      const result = await register(t, password);
      expect(result.status, JSON.stringify(password)).toBe(400);
      expect(result.body.error.data.code).toBe('BAD_REQUEST');
      expect(passwordErrors(result)).toEqual(['Use at least 12 characters.']);
    }
  });

  it('refuses common and repetitive passwords even when long enough', async () => {
    const t = await start({ PASSWORD_MIN_LENGTH: '8' });
    for (const password of ['password', '12345678', 'Password', 'qwertyuiop123', '1qaz2wsx3edc']) {
      expect(passwordErrors(await register(t, password)), password).toEqual([
        'This password is too common: choose another.',
      ]);
    }
    for (const password of ['        ', 'aaaaaaaaaaaa']) {
      expect(passwordErrors(await register(t, password)), JSON.stringify(password)).toEqual([
        'Do not use one character repeated.',
      ]);
    }
    expect((await register(t, 'tr0ub4dor&3x')).status).toBe(200);
  });

  it('caps the length at 128 characters, counted after NFKC', async () => {
    const t = await start();
    expect(passwordErrors(await register(t, 'x'.repeat(60) + 'y'.repeat(69)))).toEqual([
      'Use at most 128 characters.',
    ]);
    expect((await register(t, 'x'.repeat(60) + 'y'.repeat(68))).status).toBe(200);
  });

  it('normalises to NFKC before hashing: full-width and ASCII forms are one password', async () => {
    const t = await start();
    const username = name();
    const fullWidth = 'ｃｏｒｒｅｃｔ ｈｏｒｓｅ ｂａｔｔｅｒｙ';
    expect(fullWidth.normalize('NFKC')).toBe('correct horse battery');
    expect(
      (await t.call('auth.register', { input: { username, password: fullWidth } })).status,
    ).toBe(200);
    const ascii = await t.call('auth.login', {
      input: { username, password: 'correct horse battery' },
    });
    expect(ascii.status).toBe(200);
  });

  it('existing users whose passwords predate the policy still log in, un-normalised hashes too', async () => {
    const t = await start();
    const hasher = new PasswordHasher(FAST_HASH);
    // hashes made by the old code: short, common, or of the un-normalised (here NFD) form
    const nfd = 'Café crème brûlée'.normalize('NFD');
    const legacy = [
      ['12345678', await hasher.hash('12345678')],
      [nfd, await hasher.hash(nfd)],
    ] as const;
    for (const [password, passwordHash] of legacy) {
      const username = name();
      await t.server.db.users.create({ username, passwordHash });
      const result = await t.call('auth.login', { input: { username, password } });
      expect(result.status, JSON.stringify(password)).toBe(200);
      // that login re-hashed the NFKC form, so the composed form a browser may send works too
      const nfc = await t.call('auth.login', {
        input: { username, password: password.normalize('NFC') },
      });
      expect(nfc.status, 'NFC form').toBe(200);
    }
  });
});

describe.each(['memory', 'redis'] as const)('auth.changePassword (%s store)', (kind) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({
      LOGIN_RATE_LIMIT: '3/900',
      ...(kind === 'redis' && {
        REDIS_URL: redis.url,
        REDIS_PREFIX: `pw:${randomUUID().slice(0, 8)}:`,
      }),
    });
  });
  afterAll(() => t?.close());

  const login = (username: string, password: string) =>
    t.call('auth.login', { input: { username, password } });
  const change = (token: string, currentPassword: string, newPassword: string) =>
    t.call('auth.changePassword', { input: { currentPassword, newPassword }, token });

  it('changes the password, revokes every other session and keeps this one', async () => {
    const phone = await registerUser(t);
    const { username } = phone.user;
    const laptop = (await login(username, PASSWORD)).data;
    const result = await change(laptop.accessToken, PASSWORD, 'a brand new passphrase');
    expect({ status: result.status, data: result.data }).toEqual({
      status: 200,
      data: { ok: true },
    });
    expect((await t.call('auth.me', { token: laptop.accessToken })).status).toBe(200);
    expect(
      (await t.call('auth.refresh', { input: { refreshToken: laptop.refreshToken } })).status,
    ).toBe(200);
    expect((await t.call('auth.me', { token: phone.accessToken })).authCode).toBe(
      'SESSION_REVOKED',
    );
    expect((await login(username, PASSWORD)).authCode).toBe('INVALID_CREDENTIALS');
    expect((await login(username, 'a brand new passphrase')).status).toBe(200);
  });

  it('a wrong current password is INVALID_CREDENTIALS, counted by the login rate limit', async () => {
    const session = await registerUser(t);
    const codes = [];
    for (let i = 0; i < 4; i++) {
      codes.push(
        (await change(session.accessToken, `wrong ${i} password`, 'another new passphrase'))
          .authCode,
      );
    }
    expect(codes).toEqual([
      'INVALID_CREDENTIALS',
      'INVALID_CREDENTIALS',
      'INVALID_CREDENTIALS',
      'RATE_LIMITED',
    ]);
    // the same counter as logins of that (ip, username)
    expect((await login(session.user.username, PASSWORD)).authCode).toBe('RATE_LIMITED');
    expect((await t.call('auth.me', { token: session.accessToken })).status).toBe(200);
  });

  it('applies the policy to the new password and needs a session', async () => {
    const session = await registerUser(t);
    const weak = await change(session.accessToken, PASSWORD, 'password');
    expect(weak.status).toBe(400);
    expect(weak.body.error.data.fieldErrors.newPassword).toEqual(['Use at least 12 characters.']);
    expect((await change('', PASSWORD, 'a brand new passphrase')).authCode).toBe('TOKEN_MISSING');
    expect((await login(session.user.username, PASSWORD)).status).toBe(200);
  });
});
