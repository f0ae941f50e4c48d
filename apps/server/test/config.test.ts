import { describe, expect, it } from 'vitest';
import { parseSettings, SettingsError } from '../src/config.js';

describe('settings', () => {
  it('has the SPEC defaults', () => {
    const s = parseSettings({});
    expect(s).toMatchObject({
      PORT: 3000,
      HOST: '127.0.0.1',
      DATABASE_URL: 'file:./data/latch.db',
      REDIS_PREFIX: 'latch:',
      ACCESS_TOKEN_TTL: 900,
      REFRESH_TOKEN_TTL: 2_592_000,
      REFRESH_REUSE_GRACE: 10,
      SESSION_IDLE_TIMEOUT: 1800,
      SESSION_ABSOLUTE_TIMEOUT: 604_800,
      SESSION_POLICY: 'multi',
      JWT_ALG: 'EdDSA',
      LOGIN_RATE_LIMIT: { attempts: 5, windowMs: 900_000 },
      ALLOW_REGISTRATION: true,
      TRUST_PROXY: false,
      LOG_LEVEL: 'info',
    });
    expect(s.REDIS_URL).toBeUndefined();
  });

  it('treats empty values as unset and parses lists', () => {
    const s = parseSettings({
      PORT: '',
      REDIS_CLUSTER_NODES: '127.0.0.1:7000, 127.0.0.1:7001',
      CORS_ORIGINS: 'http://localhost:5173,https://app.example',
      TRUST_PROXY: '10.0.0.0/8,127.0.0.1',
      LOGIN_RATE_LIMIT: '10/60',
      JWT_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----\\nabc\\n-----END PRIVATE KEY-----',
    });
    expect(s.PORT).toBe(3000);
    expect(s.REDIS_CLUSTER_NODES).toEqual(['127.0.0.1:7000', '127.0.0.1:7001']);
    expect(s.CORS_ORIGINS).toEqual(['http://localhost:5173', 'https://app.example']);
    expect(s.TRUST_PROXY).toEqual(['10.0.0.0/8', '127.0.0.1']);
    expect(parseSettings({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
    expect(s.LOGIN_RATE_LIMIT).toEqual({ attempts: 10, windowMs: 60_000 });
    expect(s.JWT_PRIVATE_KEY).toContain('\nabc\n');
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['ACCESS_TOKEN_TTL', '-5'],
    ['ACCESS_TOKEN_TTL', '1.5'],
    ['SESSION_IDLE_TIMEOUT', 'abc'],
    ['SESSION_POLICY', 'many'],
    ['JWT_ALG', 'RS256'],
    ['JWT_SECRET', 'too-short'],
    ['LOGIN_RATE_LIMIT', '5 per minute'],
    ['LOGIN_RATE_LIMIT', '0/60'],
    ['REDIS_URL', 'http://localhost:6379'],
    ['REDIS_CLUSTER_NODES', 'localhost'],
    ['DATABASE_URL', 'mysql://x'],
    ['ALLOW_REGISTRATION', 'maybe'],
    ['CORS_ORIGINS', 'not a url'],
    ['CORS_ORIGINS', 'https://app.example/login'],
    ['COOKIE_SECURE', 'yes'],
    ['TRUST_PROXY', 'sometimes'],
    ['LOG_LEVEL', 'loud'],
  ])('rejects %s=%s naming the variable', (name, value) => {
    expect(() => parseSettings({ [name]: value })).toThrow(SettingsError);
    expect(() => parseSettings({ [name]: value })).toThrow(
      new RegExp(`^Invalid settings:\\n  ${name}: `),
    );
  });

  it('takes an origin with a trailing slash as the origin browsers send, and names a path', () => {
    expect(
      parseSettings({ CORS_ORIGINS: 'http://x:1/, https://app.example' }).CORS_ORIGINS,
    ).toEqual(['http://x:1', 'https://app.example']);
    expect(() => parseSettings({ CORS_ORIGINS: 'https://app.example/login' })).toThrow(
      /is not an origin: use https:\/\/app\.example/,
    );
  });

  it('never echoes a URL that may carry a password', () => {
    for (const [name, value] of [
      ['REDIS_URL', 'http://admin:s3cret-pw@redis.internal:6379'],
      ['DATABASE_URL', 'mysql://root:s3cret-pw@db.internal/latch'],
      ['REDIS_CLUSTER_NODES', 'admin:s3cret-pw@node'],
    ] as const) {
      const attempt = () => parseSettings({ [name]: value });
      expect(attempt).toThrow(new RegExp(`${name}: `));
      expect(attempt).toThrow(
        expect.objectContaining({ message: expect.not.stringContaining('s3cret') }),
      );
    }
  });

  it('never echoes secrets in the message', () => {
    expect(() => parseSettings({ JWT_SECRET: 'hunter2' })).toThrow(
      /JWT_SECRET: must be at least 32 bytes$/,
    );
  });

  it('refuses an HS256 secret of obviously low entropy, without echoing it', () => {
    for (const secret of [
      'a'.repeat(40),
      'abababababababababababababababab',
      '0123456789012345678901234567890123456789',
      'passwordpasswordpasswordpassword',
      'changeme-changeme-changeme-changeme',
    ]) {
      const attempt = () => parseSettings({ JWT_ALG: 'HS256', JWT_SECRET: secret });
      expect(attempt, secret).toThrow(/^Invalid settings:\n {2}JWT_SECRET: .*entropy/);
      expect(attempt).toThrow(
        expect.objectContaining({ message: expect.not.stringContaining(secret) }),
      );
    }
    const random = 'Vq3x8ZkP2mT7rW1nYb6sJd4hLc9gFa0e';
    expect(parseSettings({ JWT_ALG: 'HS256', JWT_SECRET: random }).JWT_SECRET).toBe(random);
  });

  it('has the anti-automation, password and issuer defaults, and refuses bad values', () => {
    expect(parseSettings({})).toMatchObject({
      LOGIN_IP_RATE_LIMIT: { attempts: 50, windowMs: 900_000 },
      REGISTER_RATE_LIMIT: { attempts: 10, windowMs: 3_600_000 },
      PASSWORD_MIN_LENGTH: 12,
      JWT_ISSUER: 'latch',
      JWT_AUDIENCE: 'latch-api',
    });
    for (const [name, value] of [
      ['LOGIN_IP_RATE_LIMIT', '50'],
      ['REGISTER_RATE_LIMIT', '0/3600'],
      ['PASSWORD_MIN_LENGTH', '7'],
      ['PASSWORD_MIN_LENGTH', '129'],
      ['PASSWORD_MIN_LENGTH', 'twelve'],
      ['JWT_ISSUER', ' '],
    ]) {
      expect(() => parseSettings({ [name!]: value }), `${name}=${value}`).toThrow(
        new RegExp(`^Invalid settings:\\n  ${name}: `),
      );
    }
  });

  it('requires Redis and a signing key in production', () => {
    expect(() => parseSettings({ NODE_ENV: 'production' })).toThrow(
      /REDIS_URL: is required when NODE_ENV=production/,
    );
    expect(() => parseSettings({ NODE_ENV: 'production', REDIS_URL: 'redis://r:6379' })).toThrow(
      /JWT_PRIVATE_KEY: is required/,
    );
    expect(() =>
      parseSettings({ NODE_ENV: 'production', REDIS_URL: 'redis://r:6379', JWT_ALG: 'HS256' }),
    ).toThrow(/JWT_SECRET: is required/);
    expect(
      parseSettings({
        NODE_ENV: 'production',
        REDIS_CLUSTER_NODES: 'r:7000',
        JWT_ALG: 'HS256',
        JWT_SECRET: 'Vq3x8ZkP2mT7rW1nYb6sJd4hLc9gFa0e',
      }).NODE_ENV,
    ).toBe('production');
  });
});
