import { randomBytes, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { DEFAULTS } from './pool.js';
import { REDIS_PREFIX } from './stack.js';

/** Entries per script call: big enough to amortise round trips, short enough (~10 ms) to keep Redis responsive. */
const BATCH = 2_000;
/** Dead sessions per user: their sessions share a hash tag and a `u` sorted set. */
const SESSIONS_PER_USER = 4;
/** Every TTL outlives the benchmark, so the population does not shrink while it is measured. */
const MIN_TTL_MS = 600_000;
const USER_AGENT =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

/**
 * Writes one batch of dead sessions server-side. ARGV: prefix, userAgent, then per entry 9 values:
 * kind (t|s), userId, sid, ttlMs, la, cat, abs, rh, ph. The key names come from the caller so they
 * are exactly the store's; Lua only saves the per-command protocol cost of ~2.5 M commands.
 */
const POPULATE_LUA = `
local prefix, ua = ARGV[1], ARGV[2]
for i = 3, #ARGV, 9 do
  local kind, uid, sid, ttl = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local base = prefix .. '{' .. uid .. '}:'
  if kind == 't' then
    redis.call('SET', base .. 't:' .. sid, '1', 'PX', ttl)
  else
    local la, cat, abs, rh, ph = ARGV[i + 4], ARGV[i + 5], ARGV[i + 6], ARGV[i + 7], ARGV[i + 8]
    local key = base .. 's:' .. sid
    redis.call('HSET', key, 'uid', uid, 'un', 'user_' .. string.sub(uid, 1, 8), 'cat', cat,
      'la', la, 'abs', abs, 'ip', '203.0.113.7', 'ua', ua, 'rh', rh, 'rx', abs, 'ph', ph,
      'pa', la, 'r:' .. ph, la)
    redis.call('PEXPIRE', key, ttl)
    redis.call('ZADD', base .. 'u', abs, sid)
    redis.call('PEXPIRE', base .. 'u', 604800000)
  end
end
return 1
`;

const between = (low: number, high: number) => low + Math.floor(Math.random() * (high - low));

/**
 * Adds dead sessions in RedisSessionStore's layout (see redis-session-store.ts), entries
 * [from, to): even entries are revoked sessions (`P{U}:t:<sid>` tombstones, TTL up to the
 * tombstone lifetime), odd entries idle sessions nobody will use again (full `P{U}:s:<sid>`
 * hashes with a rotated refresh token, TTL until their idle deadline, listed in `P{U}:u`) —
 * what an expired session is until its TTL fires.
 */
export async function populateLatch(client: Redis, from: number, to: number): Promise<void> {
  let userId = randomUUID();
  const pending: Promise<unknown>[] = [];
  for (let start = from; start < to; start += BATCH) {
    const end = Math.min(to, start + BATCH);
    const random = randomBytes((end - start) * 110).toString('base64url');
    let cursor = 0;
    const take = (chars: number) => {
      cursor += chars;
      return random.slice(cursor - chars, cursor);
    };
    const args: (string | number)[] = [REDIS_PREFIX, USER_AGENT];
    const now = Date.now();
    for (let i = start; i < end; i++) {
      if (i % SESSIONS_PER_USER === 0) userId = randomUUID();
      const sid = take(22);
      if (i % 2 === 0) {
        const ttl = between(MIN_TTL_MS, DEFAULTS.tombstoneMs);
        args.push('t', userId, sid, ttl, 0, 0, 0, '', '');
        continue;
      }
      const ttl = between(MIN_TTL_MS, DEFAULTS.idleTimeoutMs);
      const la = now - (DEFAULTS.idleTimeoutMs - ttl);
      const cat = la - between(0, 86_400_000);
      args.push(
        's',
        userId,
        sid,
        ttl,
        la,
        cat,
        cat + DEFAULTS.absoluteTimeoutMs,
        take(43),
        take(43),
      );
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
