import { randomUUID } from 'node:crypto';
import { type RedisServer, startRedisServer } from '@latch/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisSessionStore } from '../src/session/redis-session-store.js';
import { StoreUnavailableError } from '../src/session/session-store.js';
import { newRefreshTagKey, refreshTag } from '../src/tokens/refresh-token.js';
import { contractTimeouts, sessionStoreContract } from './session-store.contract.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(() => redis?.stop());

const prefix = `test:${randomUUID().slice(0, 8)}:`;
const clients: Redis[] = [];
const connect = () => {
  const client = new Redis(redis.url, { maxRetriesPerRequest: 1, enableOfflineQueue: true });
  clients.push(client);
  return client;
};

sessionStoreContract(
  'redis',
  async () => new RedisSessionStore(connect(), { prefix, timeouts: contractTimeouts }),
  (store) => store.close(),
);

describe('RedisSessionStore specifics', () => {
  it('gives every key it writes a TTL and uses one hash tag per user', async () => {
    const client = connect();
    const store = new RedisSessionStore(client, {
      prefix: `${prefix}ttl:`,
      timeouts: contractTimeouts,
    });
    const now = Date.now();
    const userId = randomUUID();
    const base = {
      userId,
      username: 'u',
      createdAt: now,
      lastActiveAt: now,
      ip: null,
      userAgent: null,
      refreshExpiresAt: now + 60_000,
      refreshGeneration: 0,
      refreshTagKey: 'k',
    };
    await store.create(
      { ...base, id: 'a', absoluteExpiresAt: now + 3_600_000, refreshHash: 'h0' },
      { replaceOthers: false },
    );
    await store.create(
      { ...base, id: 'b', absoluteExpiresAt: now + 3_600_000, refreshHash: 'h0' },
      { replaceOthers: false },
    );
    await store.rotateRefresh(
      { userId, sessionId: 'a' },
      {
        generation: 0,
        presentedHash: 'h0',
        presentedTag: 't',
        nextHash: 'h1',
        nextExpiresAt: now + 60_000,
        result: {},
      },
      now,
    );
    await store.revoke({ userId, sessionId: 'b' });
    await store.consume('k', [{ name: 'n', limit: 5, windowMs: 60_000 }]);
    const keys = await client.keys(`${prefix}ttl:*`);
    expect(keys.length).toBeGreaterThanOrEqual(5);
    for (const key of keys) {
      expect(await client.pttl(key), key).toBeGreaterThan(0);
      if (!key.includes('{rl:')) expect(key).toContain(`{${userId}}`);
    }
    await store.close();
  });

  it('keeps a constant-size session and one grace answer however often it refreshes', async () => {
    const client = connect();
    const store = new RedisSessionStore(client, {
      prefix: `${prefix}bounded:`,
      timeouts: contractTimeouts,
    });
    const now = Date.now();
    const ref = { userId: randomUUID(), sessionId: 's' };
    const tagKey = newRefreshTagKey();
    await store.create(
      {
        id: 's',
        userId: ref.userId,
        username: 'u',
        createdAt: now,
        lastActiveAt: now,
        absoluteExpiresAt: now + 3_600_000,
        ip: null,
        userAgent: null,
        refreshGeneration: 0,
        refreshHash: 'h-0',
        refreshExpiresAt: now + 600_000,
        refreshTagKey: tagKey,
      },
      { replaceOthers: false },
    );
    const base = `${prefix}bounded:{${ref.userId}}:`;
    const fieldsAfter: string[][] = [];
    for (let generation = 0; generation < 200; generation++) {
      const outcome = await store.rotateRefresh(
        ref,
        {
          generation,
          presentedHash: `h-${generation}`,
          presentedTag: refreshTag(tagKey, ref, generation),
          nextHash: `h-${generation + 1}`,
          nextExpiresAt: now + 600_000,
          result: { generation },
        },
        now,
      );
      expect(outcome.status).toBe('rotated');
      if (generation === 0 || generation === 199)
        fieldsAfter.push(Object.keys(await client.hgetall(`${base}s:s`)));
    }
    expect(fieldsAfter[1]).toEqual(fieldsAfter[0]);
    expect(await client.hget(`${base}s:s`, 'rg')).toBe('200');
    expect(await client.hgetall(`${base}g:s`)).toEqual({
      h: 'h-199',
      t: String(now),
      a: JSON.stringify({ generation: 199 }),
    });
    expect(await client.pttl(`${base}g:s`)).toBeLessThanOrEqual(
      contractTimeouts.refreshReuseGraceMs,
    );
    await store.close();
  });

  it('sends the commands of one event-loop turn together, when the turn ends', async () => {
    const client = connect();
    await client.ping();
    const store = new RedisSessionStore(client, { prefix, timeouts: contractTimeouts });
    const socket = client.stream;
    const refs = ['a', 'b', 'c'].map((sessionId) => ({ userId: randomUUID(), sessionId }));
    const checks = Promise.all(refs.map((ref) => store.peek(ref, Date.now())));
    // All three wait in the corked socket, not one send each ...
    expect(socket.writableCorked).toBe(1);
    expect(socket.writableLength).toBeGreaterThan(0);
    // ... and leave when the turn ends, each answered as if sent alone.
    await new Promise((resolve) => setImmediate(resolve));
    expect(socket.writableCorked).toBe(0);
    expect(await checks).toEqual(refs.map(() => ({ status: 'expired' })));
    // A later turn holds its own writes again.
    const again = store.peek(refs[0]!, Date.now());
    expect(socket.writableCorked).toBe(1);
    expect(await again).toEqual({ status: 'expired' });
    await store.close();
  });

  it('reports an unreachable server as StoreUnavailableError, fast', async () => {
    const dead = new Redis({
      port: 1,
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    const store = new RedisSessionStore(dead, { prefix, timeouts: contractTimeouts });
    const started = Date.now();
    await expect(store.touch({ userId: 'u', sessionId: 's' }, Date.now())).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
    expect(Date.now() - started).toBeLessThan(2_000);
    dead.disconnect();
  });
});
