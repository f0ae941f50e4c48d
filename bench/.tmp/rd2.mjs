import { Redis } from 'ioredis';
const lua = `local f = redis.call('HMGET', KEYS[1], 'cat', 'la', 'abs', 'un')
return {'active', f[1], f[2], f[3], f[4]}`;
const c = new Redis('redis://127.0.0.1:6391', { enableAutoPipelining: process.env.AP === '1' });
await c.hset('{u}:s:1', 'cat', '1', 'la', '2', 'abs', '3', 'un', 'bob');
const sha = await c.script('LOAD', lua);
const op = () => c.evalsha(sha, 2, '{u}:s:1', '{u}:t:1', Date.now(), 100000, 1);
const loop = async (n) => { for (let i = 0; i < n; i++) await op(); };
await Promise.all(Array.from({ length: 10 }, () => loop(30000)));
c.disconnect();
