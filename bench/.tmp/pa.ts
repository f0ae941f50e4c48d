import { initTRPC } from '@trpc/server';
import { plan } from '../../packages/trpc-fastify/src/plan.js';
import { answer } from '../../packages/trpc-fastify/src/answer.js';
const t = initTRPC.create();
const router = t.router({ ping: t.procedure.query(() => ({ pong: true })) });
async function bench(name: string, fn: () => unknown, n = 300000) {
  for (let i = 0; i < 50000; i++) await fn();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn();
  console.log(name.padEnd(30), (Number(process.hrtime.bigint() - t0) / n / 1000).toFixed(3), 'µs');
}
const req = { method: 'GET', path: 'ping', query: {}, headers: { host: 'x', connection: 'keep-alive' }, body: undefined };
for (let r = 0; r < 2; r++) {
await bench('plan', () => plan(router, req));
const p = plan(router, req)!;
await bench('answer', () => answer(router, p, { value: undefined }, undefined, undefined));
await bench('plan+answer', () => answer(router, plan(router, req)!, { value: undefined }, undefined, undefined));
await bench('JSON.stringify', () => JSON.stringify({ result: { data: { pong: true } } }));
}
