import type { AnyRouter } from '@trpc/server';
import {
  type FastifyTRPCPluginOptions,
  fastifyRequestHandler,
} from '@trpc/server/adapters/fastify';
import type { TRPCRequestInfo } from '@trpc/server/http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { answer } from './answer.js';
import { hasLazyRouters, type Plan, plan } from './plan.js';

export interface TrpcFastifyPluginOptions<TRouter extends AnyRouter> {
  /** The same options as `fastifyTRPCPlugin`'s `trpcOptions`. */
  trpcOptions: FastifyTRPCPluginOptions<TRouter>['trpcOptions'];
  /**
   * Give fast-path procedures an `opts.signal` that aborts when the client goes away, as tRPC
   * does. Default `true`. Making one costs about as much as the rest of the adapter's work, so a
   * router whose procedures never read `signal` (tRPC types it `AbortSignal | undefined`) may
   * turn it off.
   */
  abortSignals?: boolean;
}

/**
 * A drop-in for tRPC's `fastifyTRPCPlugin` (`app.register(trpcFastifyPlugin, { prefix, trpcOptions })`)
 * that answers the common calls — JSON queries and mutations, single or batched — straight from
 * Fastify's request and reply, without tRPC's detour through Fetch API `Request`/`Response`
 * objects and web streams, which costs several times the rest of a call on Node. Every other
 * request (streaming, subscriptions, method override, malformed ones) goes to tRPC's own
 * `fastifyRequestHandler`, so it is answered exactly as before. `responseMeta` is honoured by
 * sending such routers' calls through tRPC too. WebSockets (`useWSS`) are not offered.
 */
export async function trpcFastifyPlugin<TRouter extends AnyRouter>(
  fastify: FastifyInstance,
  options: TrpcFastifyPluginOptions<TRouter>,
): Promise<void> {
  const { trpcOptions, abortSignals = true } = options;
  const router = trpcOptions.router as AnyRouter;
  const fastPathAllowed =
    trpcOptions.responseMeta === undefined &&
    trpcOptions.allowMethodOverride !== true &&
    trpcOptions.allowBatching !== false &&
    trpcOptions.batching?.enabled !== false &&
    !hasLazyRouters(router);

  // As tRPC's plugin: JSON bodies stay strings (tRPC parses them), multipart streams pass through.
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) =>
    done(null, body),
  );
  fastify.removeContentTypeParser('multipart/form-data');
  fastify.addContentTypeParser('multipart/form-data', {}, (_request, body, done) =>
    done(null, body),
  );

  fastify.all<{ Params: { path: string } }>('/:path', async (request, reply) => {
    const path = request.params.path;
    const planned = fastPathAllowed
      ? plan(
          router,
          {
            method: request.method,
            path,
            query: request.query as Record<string, unknown>,
            headers: request.headers,
            body: request.body,
          },
          trpcOptions.maxBatchSize,
        )
      : null;
    if (!planned) {
      await fastifyRequestHandler({ ...trpcOptions, req: request, res: reply, path });
      return reply;
    }
    const signal = abortSignals ? requestSignal(reply) : undefined;
    const ctx = await createContext(trpcOptions, request, reply, () => info(planned, signal));
    const { status, body } = await answer(router, planned, ctx, signal, (report) =>
      trpcOptions.onError?.({ ...report, req: request } as never),
    );
    // The identity serializer keeps the content type as tRPC sends it (Fastify would add a charset).
    return reply
      .code(status)
      .header('vary', 'trpc-accept, accept')
      .header('content-type', 'application/json')
      .serializer(asIs)
      .send(body);
  });
}

const asIs = (payload: unknown) => payload as string;

async function createContext<TRouter extends AnyRouter>(
  trpcOptions: TrpcFastifyPluginOptions<TRouter>['trpcOptions'],
  req: FastifyRequest,
  res: FastifyReply,
  requestInfo: () => TRPCRequestInfo,
): Promise<{ value: unknown } | { error: unknown }> {
  if (!trpcOptions.createContext) return { value: undefined };
  try {
    return { value: await trpcOptions.createContext(new ContextOptions(req, res, requestInfo)) };
  } catch (error) {
    return { error };
  }
}

/**
 * What `createContext` gets: `req`, `res`, and `info` built only if read (a getter, so spreading
 * these options does not copy it). A class rather than an object literal with a getter: V8 makes
 * such literals on a slow path and then keeps allocating them in the old generation — measured on
 * a one-procedure router, the heap grew ~1 MB per young collection, each took ~3 ms instead of
 * ~0.5 ms, and a call cost ~20 % more.
 */
class ContextOptions {
  readonly #requestInfo: () => TRPCRequestInfo;
  #info: TRPCRequestInfo | undefined;

  constructor(
    readonly req: FastifyRequest,
    readonly res: FastifyReply,
    requestInfo: () => TRPCRequestInfo,
  ) {
    this.#requestInfo = requestInfo;
  }

  get info(): TRPCRequestInfo {
    this.#info ??= this.#requestInfo();
    return this.#info;
  }
}

/** Aborts when the client goes away before the answer is sent, as tRPC's `opts.signal` does. */
function requestSignal(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller.signal;
}

function info(planned: Plan, signal: AbortSignal | undefined): TRPCRequestInfo {
  return {
    accept: null,
    type: planned.type,
    isBatchCall: planned.isBatchCall,
    calls: planned.calls.map((call) => ({
      path: call.path,
      procedure: call.procedure,
      batchIndex: call.batchIndex,
      getRawInput: async () => call.input,
      result: () => call.input,
    })),
    connectionParams: null,
    // tRPC's type insists on one; a createContext that reads it gets one that never aborts.
    signal: signal ?? new AbortController().signal,
    url: null,
  };
}
