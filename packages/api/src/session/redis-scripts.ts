import { GRACE_ANSWERS_KEPT, RETIRED_HASHES_KEPT } from './session-policy.js';

/**
 * Lua scripts behind RedisSessionStore. Each runs atomically in one round trip and touches only
 * keys of one user (one hash tag), so they work on Redis Cluster. They mirror session-policy.ts;
 * the contract suite holds both stores to the same behaviour.
 *
 * Times arrive as ARGV strings of epoch ms and go back out as the same strings: Lua 5.1 prints
 * large numbers in exponent form, so computed times are never stringified here.
 *
 * Session hash fields: uid, un (username), cat (created), la (last active), abs (absolute expiry), ip, ua,
 * rh (live refresh hash), rx (its expiry),
 * rl (the last RETIRED_HASHES_KEPT retired hashes, newest first, space-separated).
 * The grace key is a hash: rotated-away hash → "<rotatedAt>|<answer JSON>".
 * The grace window is judged by rotatedAt against the caller's clock
 * (like every other deadline here); the grace key's own TTL only cleans up.
 */

// Shared prelude: liveness of one session. Returns nil when alive, else the status string.
const CHECK = `
local function ttl_of(la, abs, idle, now)
  return math.min(la + idle, abs) - now
end
local function dead(skey, tkey, now, idle)
  if redis.call('EXISTS', tkey) == 1 then return 'revoked' end
  local la = tonumber(redis.call('HGET', skey, 'la'))
  if not la then return 'expired' end
  local abs = tonumber(redis.call('HGET', skey, 'abs'))
  if now >= math.min(la + idle, abs) then
    redis.call('DEL', skey)
    return 'expired'
  end
  return nil
end
local function revoke(skey, tkey, gkey, ukey, sid, tomb)
  redis.call('ZREM', ukey, sid)
  redis.call('DEL', gkey)
  if redis.call('DEL', skey) == 0 then return 0 end
  redis.call('SET', tkey, '1', 'PX', tomb)
  return 1
end
`;

/** KEYS: session, tombstone. ARGV: now, idleMs, slide (1|0). → {status, cat, la, abs, un} */
export const touchScript = `${CHECK}
local now, idle = tonumber(ARGV[1]), tonumber(ARGV[2])
local status = dead(KEYS[1], KEYS[2], now, idle)
if status then return {status} end
local f = redis.call('HMGET', KEYS[1], 'cat', 'la', 'abs', 'un')
local la = f[2]
if ARGV[3] == '1' and now > tonumber(la) then
  la = ARGV[1]
  redis.call('HSET', KEYS[1], 'la', la)
  redis.call('PEXPIRE', KEYS[1], ttl_of(now, tonumber(f[3]), idle, now))
end
return {'active', f[1], la, f[3], f[4]}
`;

/**
 * KEYS: session, user set, then (replace mode) nothing else: sibling keys are derived from
 * ARGV[1], the user's key base, which shares the hash tag.
 * ARGV: base, now, idleMs, tombMs, replaceOthers (1|0), sid, then field/value pairs.
 */
export const createScript = `${CHECK}
local base, now, idle, tomb = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
if ARGV[5] == '1' then
  for _, sid in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
    revoke(base .. 's:' .. sid, base .. 't:' .. sid, base .. 'g:' .. sid, KEYS[2], sid, tomb)
  end
end
local fields = {}
for i = 7, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('HSET', KEYS[1], unpack(fields))
local f = redis.call('HMGET', KEYS[1], 'la', 'abs')
local abs = tonumber(f[2])
redis.call('PEXPIRE', KEYS[1], ttl_of(tonumber(f[1]), abs, idle, now))
redis.call('ZADD', KEYS[2], f[2], ARGV[6])
local left = redis.call('PTTL', KEYS[2])
if left < abs - now then redis.call('PEXPIRE', KEYS[2], abs - now) end
return 1
`;

/**
 * KEYS: session, tombstone, grace result, user set.
 * ARGV: now, idleMs, tombMs, graceMs, presentedHash, nextHash, nextExpiresAt, resultJson, sid
 * → {status, ...}: rotated(cat, la, abs, un) | grace(cat, la, abs, un, json) | reused | invalid
 *   | revoked | expired
 */
export const rotateScript = `${CHECK}
local now, idle, tomb, grace = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local status = dead(KEYS[1], KEYS[2], now, idle)
if status then return {status} end
local f = redis.call('HMGET', KEYS[1], 'rh', 'rx', 'rl', 'cat', 'la', 'abs', 'un')
local presented = ARGV[5]
if presented == f[1] then
  if now >= tonumber(f[2]) then return {'invalid'} end
  local la = f[5]
  if now > tonumber(la) then la = ARGV[1] end
  -- hashes are 43 characters: keep the newest RETIRED_HASHES_KEPT, each with its separator
  local retired = string.sub(presented .. ' ' .. (f[3] or ''), 1, ${RETIRED_HASHES_KEPT * 44})
  redis.call('HSET', KEYS[1], 'rh', ARGV[6], 'rx', ARGV[7], 'la', la, 'rl', retired)
  redis.call('PEXPIRE', KEYS[1], ttl_of(tonumber(la), tonumber(f[6]), idle, now))
  -- keep this answer for replays of the presented token (a grace of 0 keeps none; PX 0 errors)
  if grace > 0 then
    if redis.call('HLEN', KEYS[3]) >= ${GRACE_ANSWERS_KEPT} then redis.call('DEL', KEYS[3]) end
    redis.call('HSET', KEYS[3], presented, ARGV[1] .. '|' .. ARGV[8])
    redis.call('PEXPIRE', KEYS[3], grace)
  end
  return {'rotated', f[4], la, f[6], f[7]}
end
local kept = redis.call('HGET', KEYS[3], presented)
if kept then
  local sep = string.find(kept, '|', 1, true)
  if now < tonumber(string.sub(kept, 1, sep - 1)) + grace then
    return {'grace', f[4], f[5], f[6], f[7], string.sub(kept, sep + 1)}
  end
end
if f[3] and string.find(' ' .. f[3], ' ' .. presented .. ' ', 1, true) then
  revoke(KEYS[1], KEYS[2], KEYS[3], KEYS[4], ARGV[9], tomb)
  return {'reused'}
end
return {'invalid'}
`;

/** KEYS: session, tombstone, grace result, user set. ARGV: sid, tombMs. → 1 | 0 */
export const revokeScript = `${CHECK}
return revoke(KEYS[1], KEYS[2], KEYS[3], KEYS[4], ARGV[1], tonumber(ARGV[2]))
`;

/** KEYS: user set. ARGV: base, tombMs. → number revoked */
export const revokeAllScript = `${CHECK}
local base, tomb, n = ARGV[1], tonumber(ARGV[2]), 0
for _, sid in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  n = n + revoke(base .. 's:' .. sid, base .. 't:' .. sid, base .. 'g:' .. sid, KEYS[1], sid, tomb)
end
redis.call('DEL', KEYS[1])
return n
`;

/** KEYS: user set. ARGV: base, now, idleMs. → flat list of (id, cat, la, ip, ua) per live session */
export const listScript = `${CHECK}
local base, now, idle, out = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), {}
for _, sid in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local skey = base .. 's:' .. sid
  if dead(skey, base .. 't:' .. sid, now, idle) then
    redis.call('ZREM', KEYS[1], sid)
  else
    local f = redis.call('HMGET', skey, 'cat', 'la', 'ip', 'ua')
    out[#out + 1] = sid
    out[#out + 1] = f[1]
    out[#out + 1] = f[2]
    out[#out + 1] = f[3] or ''
    out[#out + 1] = f[4] or ''
  end
end
return out
`;

/** KEYS: attempts. ARGV: limit, windowMs. → {1} allowed | {0, retryAfterMs} */
export const consumeAttemptScript = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count >= tonumber(ARGV[1]) then
  local left = redis.call('PTTL', KEYS[1])
  if left < 0 then left = 0 end
  return {0, left}
end
if redis.call('INCR', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return {1}
`;
