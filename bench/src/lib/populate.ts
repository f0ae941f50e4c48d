import { randomBytes, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { benchStore, DEFAULTS } from './pool.js';
import { REDIS_PREFIX } from './stack.js';

/** Entries per script call: ~10 ms of Redis time, so Redis stays responsive between batches. */
const BATCH = 2_000;
/** Dead sessions per user: their sessions share a hash tag and a `u` sorted set. */
const SESSIONS_PER_USER = 4;
/** Every TTL outlives the benchmark, so the population does not shrink while it is measured. */
const MIN_TTL_MS = 600_000;
const USER_AGENT =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

/**
 * ARGV: prefix, session template, tombstone template, then per entry: kind (t|s), userId, sid,
 * ttlMs, absoluteExpiresAt. RESTORE writes each key exactly as the store serialised its template
 * (same fields, same encoding); only the key name and TTL differ.
 */
const POPULATE_LUA = `
local prefix, session, tombstone = ARGV[1], ARGV[2], ARGV[3]
for i = 4, #ARGV, 5 do
  local kind, uid, sid, ttl, abs = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
  local base = prefix .. '{' .. uid .. '}:'
  if kind == 't' then
    redis.call('RESTORE', base .. 't:' .. sid, ttl, tombstone)
  else
    redis.call('RESTORE', base .. 's:' .. sid, ttl, session)
    redis.call('ZADD', base .. 'u', abs, sid)
    redis.call('PEXPIRE', base .. 'u', ${DEFAULTS.absoluteTimeoutMs})
  end
end
return 1
`;

const between = (low: number, high: number) => low + Math.floor(Math.random() * (high - low));

/**
 * Two keys written by RedisSessionStore itself, serialised with DUMP: a session that logged in
 * from a browser and rotated its refresh token once, and the tombstone a revoked session leaves.
 * Cloning them keeps the population in step with whatever the store writes today.
 */
async function templates(client: Redis): Promise<{ session: Buffer; tombstone: Buffer }> {
  const store = benchStore(client);
  const userId = randomUUID();
  const base = `${REDIS_PREFIX}{${userId}}:`;
  const now = Date.now();
  const hash = () => randomBytes(32).toString('base64url');
  const record = (id: string, refreshHash: string) => ({
    id,
    userId,
    username: 'template_user',
    createdAt: now,
    lastActiveAt: now,
    absoluteExpiresAt: now + DEFAULTS.absoluteTimeoutMs,
    ip: '203.0.113.7',
    userAgent: USER_AGENT,
    refreshGeneration: 0,
    refreshHash,
    refreshExpiresAt: now + DEFAULTS.absoluteTimeoutMs,
    refreshTagKey: hash(),
  });
  const live = { userId, sessionId: randomBytes(16).toString('base64url') };
  const first = hash();
  await store.create(record(live.sessionId, first), { replaceOthers: false });
  const rotated = await store.rotateRefresh(
    live,
    {
      generation: 0,
      presentedHash: first,
      presentedTag: '', // only an older generation's tag is ever checked
      nextHash: hash(),
      nextExpiresAt: now + 86_400_000,
      result: {},
    },
    now,
  );
  if (rotated.status !== 'rotated') throw new Error(`template rotation: ${rotated.status}`);
  const revoked = { userId, sessionId: randomBytes(16).toString('base64url') };
  await store.create(record(revoked.sessionId, hash()), { replaceOthers: false });
  if (!(await store.revoke(revoked))) throw new Error('template revocation failed');

  const session = await client.dumpBuffer(`${base}s:${live.sessionId}`);
  const tombstone = await client.dumpBuffer(`${base}t:${revoked.sessionId}`);
  if (!session || !tombstone) {
    throw new Error(`the store no longer writes ${base}s:<sid> / t:<sid>: update populate.ts`);
  }
  await client.del(
    `${base}s:${live.sessionId}`,
    `${base}g:${live.sessionId}`,
    `${base}t:${revoked.sessionId}`,
    `${base}u`,
  );
  return { session, tombstone };
}

/**
 * Adds dead sessions in RedisSessionStore's layout (see redis-session-store.ts), entries
 * [from, to): even entries are revoked sessions (`P{U}:t:<sid>` tombstones, TTL within the
 * tombstone lifetime), odd entries idle sessions nobody will use again (`P{U}:s:<sid>` hashes,
 * TTL until their idle deadline, listed in `P{U}:u`) — what an expired session is until its TTL
 * fires. Four sessions per user.
 */
export async function populateLatch(client: Redis, from: number, to: number): Promise<void> {
  const { session, tombstone } = await templates(client);
  let userId = randomUUID();
  const pending: Promise<unknown>[] = [];
  for (let start = from; start < to; start += BATCH) {
    const end = Math.min(to, start + BATCH);
    const ids = randomBytes((end - start) * 17).toString('base64url');
    const args: (string | number | Buffer)[] = [REDIS_PREFIX, session, tombstone];
    const now = Date.now();
    for (let i = start; i < end; i++) {
      if (i % SESSIONS_PER_USER === 0) userId = randomUUID();
      const j = (i - start) * 22;
      const sid = ids.slice(j, j + 22);
      if (i % 2 === 0) {
        args.push('t', userId, sid, between(MIN_TTL_MS, DEFAULTS.tombstoneMs), 0);
      } else {
        const ttl = between(MIN_TTL_MS, DEFAULTS.idleTimeoutMs);
        args.push('s', userId, sid, ttl, now + DEFAULTS.absoluteTimeoutMs - between(0, 86_400_000));
      }
    }
    pending.push(client.eval(POPULATE_LUA, 0, ...args));
    // Two batches in flight: building the next overlaps Redis running the last.
    if (pending.length >= 2) await pending.shift();
  }
  await Promise.all(pending);
}

const TUTORIAL_LUA = `
for i = 1, #ARGV, 3 do
  redis.call('SET', 'token' .. ARGV[i], ARGV[i + 1], 'PX', ARGV[i + 2])
end
return 1
`;

/**
 * The tutorial's layout: one `token<id>` key per issued token (with a TTL), the kind of key its
 * per-request `KEYS token*` walks.
 */
export async function populateTutorial(client: Redis, from: number, to: number): Promise<void> {
  for (let start = from; start < to; start += BATCH) {
    const end = Math.min(to, start + BATCH);
    const random = randomBytes((end - start) * 33).toString('base64url');
    const args: (string | number)[] = [];
    for (let i = start; i < end; i++) {
      const j = (i - start) * 44;
      args.push(randomUUID(), random.slice(j, j + 43), between(MIN_TTL_MS, DEFAULTS.tombstoneMs));
    }
    await client.eval(TUTORIAL_LUA, 0, ...args);
  }
}

export async function redisMemory(client: Redis): Promise<{ keys: number; usedMemoryMiB: number }> {
  const info = await client.info('memory');
  const used = Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
  return { keys: await client.dbsize(), usedMemoryMiB: Math.round(used / 2 ** 20) };
}
