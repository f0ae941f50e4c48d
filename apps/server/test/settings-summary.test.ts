import { describe, expect, it } from 'vitest';
import { parseSettings } from '../src/config.js';
import { redactUrl, settingsSummary } from '../src/settings-summary.js';

describe('the settings summary logged at start', () => {
  it('hides secrets and the passwords inside URLs, and shows everything else', () => {
    const summary = settingsSummary(
      parseSettings({
        NODE_ENV: 'development',
        DATABASE_URL: 'postgresql://latch:db-pass-123@db.internal:5432/latch?schema=app',
        REDIS_URL: 'rediss://default:redis-pass-456@cache:6380/0',
        JWT_ALG: 'HS256',
        JWT_SECRET: 'k9$Fq2!vLz7@Rm4#Tx8^Wb3&Yp6*Nc1%',
        LOGIN_RATE_LIMIT: '7/600',
        CORS_ORIGINS: 'https://a.example,https://b.example',
      }),
    );
    const text = JSON.stringify(summary);
    for (const secret of ['db-pass-123', 'redis-pass-456', 'k9$Fq2'])
      expect(text).not.toContain(secret);
    expect(summary.DATABASE_URL).toBe('postgresql://latch:***@db.internal:5432/latch?schema=app');
    expect(summary.REDIS_URL).toBe('rediss://default:***@cache:6380/0');
    expect(summary.JWT_SECRET).toBe('set (hidden)');
    expect(summary.JWT_PRIVATE_KEY).toBe('unset');
    expect(summary.LOGIN_RATE_LIMIT).toBe('7/600');
    expect(summary.CORS_ORIGINS).toBe('https://a.example,https://b.example');
    expect(summary.PORT).toBe('3000');
  });

  it('leaves URLs without a password and plain values alone', () => {
    expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(redactUrl('redis://:only-pass@host:1')).toBe('redis://:***@host:1');
    expect(redactUrl('file:./data/latch.db')).toBe('file:./data/latch.db');
  });
});
