import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { type RedisServer, startRedisServer } from '@latch/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, startTestServer, type TestServer } from './harness.js';

let redis: RedisServer;
const servers: TestServer[] = [];
beforeAll(async () => {
  redis = await startRedisServer();
  // Instances behind one load balancer share the store and the signing key.
  const privateKey = generateKeyPairSync('ed25519').privateKey.export({
    type: 'pkcs8',
    format: 'pem',
  });
  const env = {
    REDIS_URL: redis.url,
    REDIS_PREFIX: `race:${randomUUID().slice(0, 8)}:`,
    JWT_PRIVATE_KEY: privateKey.toString(),
  };
  servers.push(await startTestServer(env), await startTestServer(env));
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await redis?.stop();
});

describe('refresh under concurrency, across two server instances', () => {
  it('50 concurrent refreshes with one token rotate exactly once; all get the same pair', async () => {
    const [a, b] = servers as [TestServer, TestServer];
    const login = await registerUser(a);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        (i % 2 ? a : b).call('auth.refresh', { input: { refreshToken: login.refreshToken } }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
    const refreshTokens = new Set(results.map((r) => r.data.refreshToken));
    expect(refreshTokens.size).toBe(1);
    const [next] = refreshTokens;
    expect((await b.call('auth.refresh', { input: { refreshToken: next } })).status).toBe(200);
    // the stored session counts its rotations: exactly two now
    const client = new Redis(redis.url);
    const keys = await client.keys(`*{${login.user.id}}:s:${login.sessionId}`);
    expect(await client.hget(keys[0]!, 'rg')).toBe('2');
    client.disconnect();
  });

  it('a logout on one instance is seen by the other on the very next call', async () => {
    const [a, b] = servers as [TestServer, TestServer];
    const login = await registerUser(a);
    expect((await b.call('auth.me', { token: login.accessToken })).status).toBe(200);
    await a.call('auth.logout', { token: login.accessToken });
    expect((await b.call('auth.me', { token: login.accessToken })).authCode).toBe(
      'SESSION_REVOKED',
    );
  });
});
