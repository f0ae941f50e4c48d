import { randomBytes, randomUUID } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type RedisCluster, startRedisCluster, waitFor } from '@latch/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PASSWORD, registerUser, startTestServer, type TestServer } from '../harness.js';

/**
 * The whole session flow over HTTP through servers whose store is a real 3-master Redis Cluster
 * (`REDIS_CLUSTER_NODES`), and where the keys end up.
 */
let cluster: RedisCluster;
let a: TestServer;
let b: TestServer;
let nodes: Redis[];
let dbDir: string;
const prefix = `hc:${randomUUID().slice(0, 8)}:`;

beforeAll(async () => {
  cluster = await startRedisCluster();
  // Two instances sharing the cluster, the database and the signing secret, like a deployment
  // behind a load balancer: a logout on one must hold on both.
  dbDir = mkdtempSync(path.join(tmpdir(), 'latch-cluster-db-'));
  const dbFile = path.join(dbDir, 'latch.db');
  copyFileSync(inject('sqliteTemplate'), dbFile);
  const env = {
    DATABASE_URL: `file:${dbFile}`,
    REDIS_CLUSTER_NODES: cluster.nodes,
    REDIS_PREFIX: prefix,
    JWT_ALG: 'HS256',
    JWT_SECRET: randomBytes(32).toString('base64url'),
    REFRESH_REUSE_GRACE: '10',
  };
  [a, b] = await Promise.all([startTestServer(env), startTestServer(env)]);
  // The cluster client fails fast until it has the slot map (main.ts waits the same way).
  for (const t of [a, b]) {
    await waitFor(async () => (await fetch(`${t.url}/healthz`)).status === 200, {
      what: 'the cluster client to be ready',
    });
  }
  nodes = cluster.ports.map((port) => new Redis({ port, host: '127.0.0.1', lazyConnect: true }));
}, 60_000);

afterAll(async () => {
  for (const node of nodes ?? []) node.disconnect();
  await Promise.all([a?.close(), b?.close()]);
  await cluster?.stop();
  if (dbDir) rmSync(dbDir, { recursive: true, force: true });
});

/** Keys of one user (or all, with `*`) on each node, straight from the nodes (test-only KEYS). */
const keysPerNode = (userId = '*') =>
  Promise.all(nodes.map((node) => node.keys(`${prefix}{${userId}}:*`)));

const keySlot = async (key: string) => Number(await nodes[0]!.cluster('KEYSLOT', key));

describe('Latch on Redis Cluster', () => {
  it('runs login, refresh, me, sessions, revokeSession, logout and logoutAll', async () => {
    const first = await registerUser(a);
    const { username } = first.user;
    const login = async (t: TestServer) => {
      const r = await t.call('auth.login', { input: { username, password: PASSWORD } });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.data;
    };
    const second = await login(b);
    const third = await login(a);

    // refresh on one instance, replay within grace on the other: the same answer
    const refreshed = await a.call('auth.refresh', { input: { refreshToken: first.refreshToken } });
    expect(refreshed.status).toBe(200);
    const replay = await b.call('auth.refresh', { input: { refreshToken: first.refreshToken } });
    expect(replay.data).toEqual(refreshed.data);
    const token = refreshed.data.accessToken;

    const me = await b.call('auth.me', { token });
    expect(me.status).toBe(200);
    expect(me.data.session.id).toBe(first.sessionId);
    expect(me.data.user).toEqual(first.user);

    const sessions = await a.call('auth.sessions', { token });
    expect(sessions.status).toBe(200);
    expect(sessions.data.map((s: { id: string }) => s.id)).toEqual([
      first.sessionId,
      second.sessionId,
      third.sessionId,
    ]);
    expect(sessions.data.filter((s: { current: boolean }) => s.current)).toHaveLength(1);

    // one user's keys: one slot, one node, each with a TTL
    const perNode = await keysPerNode(first.user.id);
    const keys = perNode.flat();
    expect(keys.length).toBeGreaterThanOrEqual(5); // 3 sessions, the user set, a grace result
    expect(new Set(await Promise.all(keys.map(keySlot))).size).toBe(1);
    expect(perNode.filter((k) => k.length > 0)).toHaveLength(1);
    const owner = nodes[perNode.findIndex((k) => k.length > 0)]!;
    for (const key of keys) expect(await owner.pttl(key), key).toBeGreaterThan(0);

    // revoke the third from the first, on the other instance
    const revoked = await b.call('auth.revokeSession', {
      token,
      input: { sessionId: third.sessionId },
    });
    expect(revoked.data).toEqual({ ok: true });
    expect((await a.call('auth.me', { token: third.accessToken })).authCode).toBe(
      'SESSION_REVOKED',
    );
    const again = await a.call('auth.revokeSession', {
      token,
      input: { sessionId: third.sessionId },
    });
    expect(again.status).toBe(404);

    // logout the second on one instance, refused on the other at once
    expect((await b.call('auth.logout', { token: second.accessToken })).data).toEqual({ ok: true });
    expect((await a.call('auth.me', { token: second.accessToken })).authCode).toBe(
      'SESSION_REVOKED',
    );
    expect(
      (await a.call('auth.refresh', { input: { refreshToken: second.refreshToken } })).authCode,
    ).toBe('SESSION_REVOKED');

    // a fresh fourth session, then logoutAll ends it and the first
    const fourth = await login(b);
    const all = await a.call('auth.logoutAll', { token });
    expect(all.data).toEqual({ revoked: 2 });
    for (const t of [a, b]) {
      for (const access of [token, fourth.accessToken]) {
        expect((await t.call('auth.me', { token: access })).authCode).toBe('SESSION_REVOKED');
      }
    }
    expect(
      (await b.call('auth.refresh', { input: { refreshToken: refreshed.data.refreshToken } }))
        .authCode,
    ).toBe('SESSION_REVOKED');

    // afterwards only tombstones are left, still in the one slot, each with a TTL
    const left = (await keysPerNode(first.user.id)).flat();
    expect(left.map((k) => k.slice(k.indexOf('}:') + 2).split(':')[0]).sort()).toEqual([
      't',
      't',
      't',
      't',
    ]);
    expect(new Set(await Promise.all(left.map(keySlot)))).toEqual(
      new Set([await keySlot(keys[0]!)]),
    );
    for (const key of left) expect(await owner.pttl(key), key).toBeGreaterThan(0);
  });

  it('spreads the sessions of different users over all three masters', async () => {
    // P(30 random users miss a master) ≈ 3·(2/3)^30 ≈ 2e-5; going on up to 60 makes it ≈ 1e-10
    const perNodeSessions = () =>
      keysPerNode().then((perNode) => perNode.map((k) => k.filter((key) => key.includes('}:s:'))));
    let users = 0;
    while (users < 60) {
      await Promise.all(Array.from({ length: 10 }, () => registerUser(a)));
      users += 10;
      const counts = (await perNodeSessions()).map((k) => k.length);
      if (users >= 30 && counts.every((n) => n > 0)) break;
    }
    const perNode = await perNodeSessions();
    const counts = perNode.map((k) => k.length);
    expect(
      counts.every((n) => n > 0),
      `sessions per node: ${counts.join(', ')}`,
    ).toBe(true);
    // and every session key sits on the node that owns its slot
    for (const [i, keys] of perNode.entries()) {
      for (const key of keys.slice(0, 5)) {
        const slot = await keySlot(key);
        expect(await nodes[i]!.cluster('COUNTKEYSINSLOT', slot)).toBeGreaterThan(0);
      }
    }
  });
});
