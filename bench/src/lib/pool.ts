import { randomBytes, randomUUID } from 'node:crypto';
import { AccessTokens, RedisSessionStore, type SigningKeys } from '@latch/api';
import type { Redis } from 'ioredis';
import { REDIS_PREFIX } from './stack.js';

/** The server's defaults (SPEC settings), which the benchmark servers run with. */
export const DEFAULTS = {
  accessTokenTtlMs: 900_000,
  idleTimeoutMs: 1_800_000,
  absoluteTimeoutMs: 604_800_000,
  /** ACCESS_TOKEN_TTL + the 60 s margin of packages/api/src/auth-settings.ts */
  tombstoneMs: 960_000,
  refreshReuseGraceMs: 10_000,
} as const;

/** issuer/audience the server signs with (apps/server/src/app.ts). */
const ISSUER = 'latch';
const AUDIENCE = 'latch-api';

/**
 * Live sessions written straight into Redis through the store the server uses, each with an
 * access token signed by the server's key: as if `count` users had logged in. Lets a run present
 * more distinct tokens than the server's verified-token cache holds.
 */
/** The server's own store class with the server's default timeouts, writing the bench's Redis. */
export function benchStore(client: Redis): RedisSessionStore {
  return new RedisSessionStore(client, {
    prefix: REDIS_PREFIX,
    timeouts: {
      idleTimeoutMs: DEFAULTS.idleTimeoutMs,
      absoluteTimeoutMs: DEFAULTS.absoluteTimeoutMs,
      tombstoneMs: DEFAULTS.tombstoneMs,
      refreshReuseGraceMs: DEFAULTS.refreshReuseGraceMs,
    },
  });
}

export async function sessionPool(
  client: Redis,
  keys: SigningKeys,
  count: number,
): Promise<string[]> {
  const store = benchStore(client);
  const signer = new AccessTokens({
    keys,
    ttlMs: DEFAULTS.accessTokenTtlMs,
    issuer: ISSUER,
    audience: AUDIENCE,
    cacheSize: 0,
  });
  const tokens: string[] = [];
  const batch = 500;
  for (let start = 0; start < count; start += batch) {
    const now = Date.now();
    const created = Array.from({ length: Math.min(batch, count - start) }, async (_, i) => {
      const ref = { userId: randomUUID(), sessionId: randomBytes(16).toString('base64url') };
      await store.create(
        {
          id: ref.sessionId,
          userId: ref.userId,
          username: `pool_${start + i}`,
          createdAt: now,
          lastActiveAt: now,
          absoluteExpiresAt: now + DEFAULTS.absoluteTimeoutMs,
          ip: '127.0.0.1',
          userAgent: 'latch-bench',
          refreshGeneration: 0,
          refreshHash: randomBytes(32).toString('base64url'),
          refreshExpiresAt: now + DEFAULTS.absoluteTimeoutMs,
          refreshTagKey: randomBytes(32).toString('base64url'),
        },
        { replaceOthers: false },
      );
      return (await signer.sign(ref, now)).token;
    });
    tokens.push(...(await Promise.all(created)));
  }
  return tokens;
}

/** Headers that walk a token pool round-robin across all connections. */
export function roundRobin(tokens: string[]): () => Record<string, string> {
  let next = 0;
  return () => {
    const token = tokens[next % tokens.length]!;
    next++;
    return { authorization: `Bearer ${token}` };
  };
}
