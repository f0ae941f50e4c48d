import { Redis } from 'ioredis';
const lua = `local f = redis.call('HMGET', KEYS[1], 'cat', 'la', 'abs', 'un')
if ARGV[3] == '1' then redis.call('HSET', KEYS[1], 'la', ARGV[1]) redis.call('PEXPIRE', KEYS[1], 100000) end
return {'active', f[1], f[2], f[3], f[4]}`;
async function run(name, opts, call) {
  const c = new Redis('redis://127.0.0.1:6391', opts);
  await c.hset('{u}:s:1', 'cat', '1', 'la', '2', 'abs', '3', 'un', 'bob');
  const sha = await c.script('LOAD', lua);
  const op = () => call(c, sha);
  const loop = async (n) => { for (let i = 0; i < n; i++) await op(); };
  await Promise.all(Array.from({ length: 10 }, () => loop(2000)));
  const n = 10000, cpu0 = process.cpuUsage(), t0 = Date.now();
  await Promise.all(Array.from({ length: 10 }, () => loop(n)));
  const cpu = process.cpuUsage(cpu0);
  console.log(name.padEnd(30), ((cpu.user + cpu.system) / (10 * n)).toFixed(2), 'µs/op', 'user', (cpu.user / (10 * n)).toFixed(2), 'sys', (cpu.system / (10 * n)).toFixed(2), ((10*n)/(Date.now()-t0)*1000|0), 'op/s');
  c.disconnect();
}
const evalsha = (c, sha) => c.evalsha(sha, 2, '{u}:s:1', '{u}:t:1', Date.now(), 100000, 1);
for (let r = 0; r < 4; r++) {
  await run('autopipeline evalsha', { enableAutoPipelining: true }, evalsha);
  await run('plain evalsha', {}, evalsha);
}
