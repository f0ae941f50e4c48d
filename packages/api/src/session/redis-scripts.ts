/**
 * Lua scripts behind RedisSessionStore. Each runs atomically in one round trip and touches only
 * keys of one user (one hash tag), so they work on Redis Cluster. They mirror session-policy.ts;
 * the contract suite holds both stores to the same behaviour.
 *
 * Times arrive as ARGV strings of epoch ms and go back out as the same strings: Lua 5.1 prints
 * large numbers in exponent form, so computed times are never stringified here.
 *
 * Session hash fields: uid, un (username), cat (created), la (last active), abs (absolute expiry), ip, ua,
 * rg (refresh generation), rh (live refresh hash), rx (its expiry), rk (refresh tag key).
 * The grace key is a hash of the token rotated last: h (its hash), t (when), a (the answer JSON).
 * The grace window is judged by `t` against the caller's clock (like every other deadline
 * here); the grace key's own TTL only cleans up.
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
 * KEYS: session, tombstone, grace, user set.
 * ARGV: now, idleMs, tombMs, graceMs, generation, presentedHash, nextGeneration, nextHash,
 *   nextExpiresAt, answerJson
 * → {status, ...}: rotated(cat, la, abs, un, tagKey) | grace(cat, la, abs, un, tagKey, json)
 *   | older(tagKey) | invalid | revoked | expired
 * `older` changes nothing: the caller checks the token's tag (no crypto in Lua) and revokes.
 */
export const rotateScript = `${CHECK}
local now, idle, grace = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[4])
local status = dead(KEYS[1], KEYS[2], now, idle)
if status then return {status} end
local f = redis.call('HMGET', KEYS[1], 'rg', 'rh', 'rx', 'rk', 'cat', 'la', 'abs', 'un')
local g, n, presented = tonumber(f[1]), tonumber(ARGV[5]), ARGV[6]
if not g then return {'invalid'} end
if n == g then
  if presented ~= f[2] or now >= tonumber(f[3]) then return {'invalid'} end
  local la = f[6]
  if now > tonumber(la) then la = ARGV[1] end
  redis.call('HSET', KEYS[1], 'rg', ARGV[7], 'rh', ARGV[8], 'rx', ARGV[9], 'la', la)
  redis.call('PEXPIRE', KEYS[1], ttl_of(tonumber(la), tonumber(f[7]), idle, now))
  -- only the token rotated last gets a grace answer (a grace of 0 keeps none; PX 0 errors)
  redis.call('DEL', KEYS[3])
  if grace > 0 then
    redis.call('HSET', KEYS[3], 'h', presented, 't', ARGV[1], 'a', ARGV[10])
    redis.call('PEXPIRE', KEYS[3], grace)
  end
  return {'rotated', f[5], la, f[7], f[8], f[4]}
end
if n == g - 1 then
  local p = redis.call('HMGET', KEYS[3], 'h', 't', 'a')
  if p[1] == presented and now < tonumber(p[2]) + grace then
    return {'grace', f[5], f[6], f[7], f[8], f[4], p[3]}
  end
end
if n < g then return {'older', f[4]} end
return {'invalid'}
`;

/** KEYS: session, tombstone, grace result, user set. ARGV: sid, tombMs. → 1 | 0 */
export const revokeScript = `${CHECK}
return revoke(KEYS[1], KEYS[2], KEYS[3], KEYS[4], ARGV[1], tonumber(ARGV[2]))
`;

/** KEYS: user set. ARGV: base, tombMs, except (a session id to keep, or ''). → number revoked */
export const revokeAllScript = `${CHECK}
local base, tomb, except, n = ARGV[1], tonumber(ARGV[2]), ARGV[3], 0
for _, sid in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if sid ~= except then
    n = n + revoke(base .. 's:' .. sid, base .. 't:' .. sid, base .. 'g:' .. sid, KEYS[1], sid, tomb)
  end
end
if except == '' then redis.call('DEL', KEYS[1]) end
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

/**
 * KEYS: the counters of one group (one hash tag). ARGV: limit, windowMs per key, in order.
 * → {1} allowed (one counted on each) | {0, retryAfterMs} (nothing counted)
 */
export const consumeAttemptsScript = `
local wait = -1
for i, key in ipairs(KEYS) do
  if tonumber(redis.call('GET', key) or '0') >= tonumber(ARGV[2 * i - 1]) then
    local left = redis.call('PTTL', key)
    if left < 0 then left = 0 end
    if left > wait then wait = left end
  end
end
if wait >= 0 then return {0, wait} end
for i, key in ipairs(KEYS) do
  -- a new window on the first count; PTTL -1 (no TTL) cannot happen, but must not last forever
  if redis.call('INCR', key) == 1 or redis.call('PTTL', key) == -1 then
    redis.call('PEXPIRE', key, ARGV[2 * i])
  end
end
return {1}
`;

/** KEYS: counters of one group. ARGV: per key, 'reset' or 'refund'. → 1 */
export const forgiveAttemptsScript = `
for i, key in ipairs(KEYS) do
  if ARGV[i] == 'reset' then
    redis.call('DEL', key)
  else
    -- a counter back at 0 goes, rather than lingering until its window ends
    local count = tonumber(redis.call('GET', key) or '0')
    if count > 1 then redis.call('DECR', key) elseif count == 1 then redis.call('DEL', key) end
  end
end
return 1
`;
