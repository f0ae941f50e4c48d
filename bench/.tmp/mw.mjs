import { initTRPC, callTRPCProcedure } from '@trpc/server';
const t = initTRPC.context().create({ isDev: false });
const mw = t.middleware(async ({ next }) => next());
const authMw = t.middleware(async ({ ctx, next }) => next({ ctx: { userId: 'u', sessionId: 's', session: {}, claims: {} } }));
const router = t.router({ ping: t.procedure.query(() => ({ pong: true })), me: t.procedure.use(authMw).query(({ctx}) => ({ id: ctx.userId })) });
const ctx = { auth: {}, origin: {}, authorization: 'x', refreshCookie: undefined };
async function bench(name, fn, n = 300000) {
  for (let i = 0; i < 50000; i++) await fn();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn();
  console.log(name.padEnd(40), (Number(process.hrtime.bigint() - t0) / n / 1000).toFixed(3), 'µs');
}
for (const path of ['ping', 'me']) {
  const proc = router._def.procedures[path];
  const input = undefined;
  await bench(path + ' callTRPCProcedure', () => callTRPCProcedure({ router, path, getRawInput: async () => input, ctx, type: 'query', signal: undefined, batchIndex: 0 }));
  await bench(path + ' proc(opts)', () => proc({ path, getRawInput: async () => input, ctx, type: 'query', signal: undefined, batchIndex: 0 }));
  await bench(path + ' proc(min opts)', () => proc({ path, getRawInput: async () => input, ctx, type: 'query' }));
}
