import { Redis } from 'ioredis';
const lua = `local f = redis.call('HMGET', KEYS[1], 'cat', 'la', 'abs', 'un')
if ARGV[3] == '1' then redis.call('HSET', KEYS[1], 'la', ARGV[1]) redis.call('PEXPIRE', KEYS[1], 100000) end
return {'active', f[1], f[2], f[3], f[4]}`;
const mode = process.env.MODE;
const c = new Redis('redis://127.0.0.1:6391', { enableAutoPipelining: mode === 'ap' });
await c.hset('{u}:s:1', 'cat', '1', 'la', '2', 'abs', '3', 'un', 'bob');
const sha = await c.script('LOAD', lua);
let corked = null;
const uncork = () => { corked.uncork(); corked = null; };
const op = () => {
  if (mode === 'cork' && corked === null && c.status === 'ready') { corked = c.stream; corked.cork(); setImmediate(uncork); }
  return c.evalsha(sha, 2, '{u}:s:1', '{u}:t:1', Date.now(), 100000, 1);
};
// like HTTP requests: each arrives in its own macrotask
let done = 0; const N = 200000;
const rp = (await import('node:child_process')).execSync("pgrep -f 'redis-server \\*:6391'").toString().trim();
const rstat = () => (await0 => { const f = require('fs').readFileSync(`/proc/${rp}/stat`, 'utf8').split(' '); return +f[13] + +f[14]; });
const fs = await import('node:fs');
const rticks = () => { const f = fs.readFileSync(`/proc/${rp}/stat`, 'utf8').split(' '); return +f[13] + +f[14]; };
await new Promise((resolve) => {
  let r0, cpu0, t0;
  const worker = () => setImmediate(async () => { await op(); if (++done === 20000) { r0 = rticks(); cpu0 = process.cpuUsage(); t0 = Date.now(); } if (done < N) worker(); else resolve([r0, cpu0, t0]); });
  for (let i = 0; i < 10; i++) worker();
}).then(([r0, cpu0, t0]) => {
  const cpu = process.cpuUsage(cpu0); const n = N - 20000;
  console.log(mode.padEnd(6), 'client', ((cpu.user + cpu.system) / n).toFixed(2), 'µs/op (user', (cpu.user / n).toFixed(2), 'sys', (cpu.system / n).toFixed(2) + ') redis', ((rticks() - r0) * 10000 / n).toFixed(2), 'µs/op', (n / (Date.now() - t0) * 1000 | 0), 'op/s');
});
c.disconnect();
