import { randomUUID } from 'node:crypto';
import { type RedisCluster, startRedisCluster } from '@latch/testing';
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisSessionStore } from '../src/session/redis-session-store.js';
import { contractTimeouts, sessionStoreContract } from './session-store.contract.js';

/**
 * The session-store contract against a real 3-master Redis Cluster through ioredis' `Cluster`
 * client: every Lua script must find all its keys (declared or derived from the user's hash tag)
 * on the node it was routed to.
 */
let cluster: RedisCluster;
beforeAll(async () => {
  cluster = await startRedisCluster();
}, 60_000);
afterAll(() => cluster?.stop());

const prefix = `cluster:${randomUUID().slice(0, 8)}:`;

function connectCluster(): Cluster {
  const nodes = cluster.ports.map((port) => ({ host: '127.0.0.1', port }));
  return new Cluster(nodes, { redisOptions: { maxRetriesPerRequest: 1 } });
}

sessionStoreContract(
  'redis cluster',
  async () => new RedisSessionStore(connectCluster(), { prefix, timeouts: contractTimeouts }),
  (store) => store.close(),
);

describe('RedisSessionStore on Redis Cluster', () => {
  let client: Cluster;
  let direct: Redis[];
  beforeAll(() => {
    client = connectCluster();
    direct = cluster.ports.map((port) => new Redis({ port, host: '127.0.0.1', lazyConnect: true }));
  });
  afterAll(async () => {
    await client?.quit();
    for (const node of direct ?? []) node.disconnect();
  });

  /** Every key under `keyPrefix` on each node (test-only KEYS on a private cluster). */
  const keysByNode = async (keyPrefix: string) =>
    Promise.all(direct.map((node) => node.keys(`${keyPrefix}*`)));

  it('keeps one user’s keys in one slot, on the node that owns it, each with a TTL', async () => {
    const p = `${prefix}slots:`;
    const store = new RedisSessionStore(client, { prefix: p, timeouts: contractTimeouts });
    const userId = randomUUID();
    const now = Date.now();
    const session = (id: string) => ({
      id,
      userId,
      username: 'u',
      createdAt: now,
      lastActiveAt: now,
      absoluteExpiresAt: now + 3_600_000,
      ip: null,
      userAgent: null,
      refreshGeneration: 0,
      refreshHash: 'h0',
      refreshTagKey: 'k',
      refreshExpiresAt: now + 60_000,
    });
    for (const id of ['a', 'b', 'c']) await store.create(session(id), { replaceOthers: false });
    await store.rotateRefresh(
      { userId, sessionId: 'a' },
      {
        generation: 0,
        presentedHash: 'h0',
        presentedTag: 't',
        nextHash: 'h1',
        nextExpiresAt: now + 60_000,
        result: { ok: 1 },
      },
      now,
    );
    await store.revoke({ userId, sessionId: 'b' });
    // single policy: revokes a and c through keys the script derives from the hash tag
    await store.create(session('d'), { replaceOthers: true });

    const perNode = await keysByNode(p);
    const all = perNode.flat();
    // s:d, u, t:a, t:b, t:c (the grace key of a went with its revocation)
    expect(all.sort()).toEqual(
      [`s:d`, 'u', 't:a', 't:b', 't:c'].map((k) => `${p}{${userId}}:${k}`).sort(),
    );
    const slots = new Set(
      await Promise.all(all.map(async (key) => Number(await client.cluster('KEYSLOT', key)))),
    );
    expect(slots.size).toBe(1);
    expect(perNode.filter((keys) => keys.length > 0)).toHaveLength(1);
    for (const key of all) expect(await client.pttl(key), key).toBeGreaterThan(0);
  });

  it('spreads different users over the masters', async () => {
    const p = `${prefix}spread:`;
    const store = new RedisSessionStore(client, { prefix: p, timeouts: contractTimeouts });
    const now = Date.now();
    const sessionsPerNode = async () =>
      (await keysByNode(p)).map((keys) => keys.filter((k) => k.endsWith(':s:s')).length);
    // Users until every master holds one: with 3 masters, 30 random users miss one with
    // P ≈ 3·(2/3)^30 ≈ 2e-5; going on up to 90 makes a false failure negligible.
    let users = 0;
    let counts = [0, 0, 0];
    while (users < 90 && (users < 30 || counts.some((n) => n === 0))) {
      for (let i = 0; i < 10; i++) {
        await store.create(
          {
            id: 's',
            userId: randomUUID(),
            username: 'u',
            createdAt: now,
            lastActiveAt: now,
            absoluteExpiresAt: now + 3_600_000,
            ip: null,
            userAgent: null,
            refreshGeneration: 0,
            refreshHash: 'h0',
            refreshTagKey: 'k',
            refreshExpiresAt: now + 60_000,
          },
          { replaceOthers: false },
        );
      }
      users += 10;
      counts = await sessionsPerNode();
    }
    expect(counts.reduce((a, b) => a + b, 0)).toBe(users);
    expect(
      counts.every((n) => n > 0),
      `sessions per node: ${counts.join(', ')}`,
    ).toBe(true);
  });
});
