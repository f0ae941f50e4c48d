import { type AnyRouter, initTRPC, TRPCError } from '@trpc/server';
import { fastifyTRPCPlugin } from '@trpc/server/adapters/fastify';
import Fastify, { type FastifyInstance } from 'fastify';
import * as z from 'zod';
import { trpcFastifyPlugin } from '../src/index.js';

export const MAX_BATCH_SIZE = 3;
export const hangOutcomes: string[] = [];
export const BODY_LIMIT = 2048;

interface Context {
  user: string | undefined;
  /** What createContext read from `info`: the call's type, batch flag and procedure paths. */
  call: string;
}

class CodedError extends Error {
  constructor(readonly authCode: string) {
    super(authCode);
  }
}

// Like Latch's router: an errorFormatter that adds a field, zod inputs, queries and mutations.
const t = initTRPC.context<Context>().create({
  isDev: false,
  errorFormatter: ({ shape, error }) => ({
    ...shape,
    data: {
      ...shape.data,
      authCode: error.cause instanceof CodedError ? error.cause.authCode : undefined,
    },
  }),
});

export const testRouter = t.router({
  ping: t.procedure.query(() => ({ pong: true })),
  echo: t.procedure.input(z.object({ text: z.string().max(5) })).query(({ input }) => input.text),
  whoami: t.procedure.query(({ ctx }) => ctx.user ?? null),
  calls: t.procedure.query(({ ctx }) => ctx.call),
  fail: t.procedure.query(() => {
    throw new TRPCError({ code: 'UNAUTHORIZED', cause: new CodedError('TOKEN_EXPIRED') });
  }),
  crash: t.procedure.query(() => {
    throw new Error('a bug with a secret');
  }),
  add: t.procedure
    .input(z.object({ a: z.number(), b: z.number() }))
    .mutation(({ input }) => input.a + input.b),
  touch: t.procedure.mutation(() => ({ ok: true })),
  signal: t.procedure.query(({ signal }) => (signal ? 'signal' : 'none')),
  /** Waits for the client to go away (or 5 s), and remembers whether its signal said so. */
  hang: t.procedure.query(async ({ signal }) => {
    const aborted = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 5000);
      signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    hangOutcomes.push(aborted ? 'aborted' : 'timed out');
    return aborted;
  }),
  nested: t.router({ deep: t.procedure.query(() => 'deep') }),
});

export type TestRouter = typeof testRouter;

/** A transformer that changes the wire shape, so a call that skips it shows. */
const wrapping = {
  serialize: (value: unknown) => ({ wrapped: value }),
  deserialize: (value: unknown) => (value as { wrapped?: unknown } | undefined)?.wrapped,
};
const tw = initTRPC.create({ isDev: false, transformer: wrapping });

export const transformedRouter = tw.router({
  ping: tw.procedure.query(() => ({ pong: true })),
  echo: tw.procedure.input(z.object({ text: z.string().max(5) })).query(({ input }) => input.text),
  fail: tw.procedure.query(() => {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'no' });
  }),
  add: tw.procedure
    .input(z.object({ a: z.number(), b: z.number() }))
    .mutation(({ input }) => input.a + input.b),
});

export type Adapter = 'official' | 'thin';

interface CreateContextOptions {
  req: { headers: Record<string, unknown> };
  info: { type: string; isBatchCall: boolean; calls: readonly { path: string }[] };
}

/** One Fastify server for the router, through either adapter, on a free loopback port. */
export async function startServer(
  adapter: Adapter,
  errors: string[] = [],
  abortSignals = true,
  router: AnyRouter = testRouter,
): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify({ bodyLimit: BODY_LIMIT, routerOptions: { maxParamLength: 5000 } });
  const trpcOptions = {
    router,
    maxBatchSize: MAX_BATCH_SIZE,
    createContext: ({ req, info }: CreateContextOptions): Context => ({
      user: typeof req.headers['x-user'] === 'string' ? req.headers['x-user'] : undefined,
      call: `${info.type} ${info.isBatchCall} ${info.calls.map((c) => c.path).join(',')}`,
    }),
    onError: ({ error, path }: { error: TRPCError; path?: string | undefined }) => {
      errors.push(`${path}: ${error.code}`);
    },
  };
  if (adapter === 'official') {
    await app.register(fastifyTRPCPlugin, { prefix: '/trpc', trpcOptions });
  } else {
    await app.register(trpcFastifyPlugin, { prefix: '/trpc', trpcOptions, abortSignals });
  }
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url };
}
