import { initTRPC } from '@trpc/server';
const t = initTRPC.context().create({ isDev: false });
const A = { userId: 'u', sessionId: 's', session: {}, claims: {} };
const r = t.router({
  ping: t.procedure.query(() => ({ pong: true })),
  noctx: t.procedure.use(async ({ next }) => next()).query(() => ({ id: 1 })),
  syncnoctx: t.procedure.use(({ next }) => next()).query(() => ({ id: 1 })),
  ctx4: t.procedure.use(async ({ next }) => next({ ctx: A })).query(({ctx}) => ({ id: ctx.userId })),
  ctx1: t.procedure.use(async ({ next }) => next({ ctx: { a: A } })).query(({ctx}) => ({ id: ctx.a.userId })),
  two: t.procedure.use(async ({ next }) => next()).use(async ({ next }) => next()).query(() => ({ id: 1 })),
});
const ctxBig = { auth: {}, origin: {}, authorization: 'x', refreshCookie: undefined };
const ctxSmall = { auth: {} };
async function bench(name, fn, n = 300000) {
  for (let i = 0; i < 50000; i++) await fn();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn();
  console.log(name.padEnd(40), (Number(process.hrtime.bigint() - t0) / n / 1000).toFixed(3), 'µs');
}
for (const [cn, ctx] of [['big', ctxBig], ['small', ctxSmall]])
for (const path of Object.keys(r._def.procedures)) {
  const proc = r._def.procedures[path];
  await bench(cn + ' ' + path, () => proc({ path, getRawInput: async () => undefined, ctx, type: 'query', signal: undefined, batchIndex: 0 }));
}
