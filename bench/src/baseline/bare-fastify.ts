/**
 * The floors a Latch call is compared with, each a Fastify 5 server answering `{pong:true}` with
 * nothing of Latch's (no hooks, no logger), chosen by `FLOOR`:
 * - `route`: a plain Fastify route — the framework's own cost;
 * - `trpc-caller`: a Fastify route calling a one-procedure tRPC router through `createCaller` —
 *   tRPC's procedure machinery without any HTTP adapter;
 * - `trpc-official`: that router through tRPC's `fastifyTRPCPlugin`;
 * - `trpc-thin`: that router through packages/trpc-fastify (as Latch serves it).
 * Run as its own process (PORT) so its CPU time is measured apart from the load generator.
 */
import { trpcFastifyPlugin } from '@latch/trpc-fastify';
import { initTRPC } from '@trpc/server';
import { fastifyTRPCPlugin } from '@trpc/server/adapters/fastify';
import Fastify from 'fastify';

const t = initTRPC.create();
const router = t.router({ ping: t.procedure.query(() => ({ pong: true })) });

const app = Fastify({ logger: false });
app.get('/healthz', async () => ({ status: 'ok' }));
switch (process.env.FLOOR) {
  case 'trpc-caller': {
    const caller = t.createCallerFactory(router)({});
    app.get('/trpc/ping', async () => ({ result: { data: await caller.ping() } }));
    break;
  }
  case 'trpc-official':
    await app.register(fastifyTRPCPlugin, { prefix: '/trpc', trpcOptions: { router } });
    break;
  case 'trpc-thin':
    await app.register(trpcFastifyPlugin, {
      prefix: '/trpc',
      trpcOptions: { router },
      abortSignals: false,
    });
    break;
  default:
    app.get('/trpc/ping', async () => ({ pong: true }));
}
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
