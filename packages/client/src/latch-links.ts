import type { AppRouter } from '@latch/api/router';
import { MAX_BATCH_SIZE } from '@latch/shared';
import { type HTTPHeaders, httpBatchLink, type Operation, type TRPCLink } from '@trpc/client';
import { authLink } from './auth-link.js';
import type { LatchSession } from './latch-session.js';

export interface LatchLinkOptions {
  /** The tRPC endpoint, e.g. `http://127.0.0.1:3000/trpc` or `/trpc` in a browser. */
  url: string;
  /** A custom `fetch` for every request. */
  fetch?: typeof globalThis.fetch;
  /** More headers for every request; the session's `authorization` header wins over these. */
  headers?: (opts: { opList: readonly Operation[] }) => HTTPHeaders | Promise<HTTPHeaders>;
}

/**
 * The end of a link chain for a Latch server: `authLink(session)`, then an `httpBatchLink` whose
 * batches never exceed the server's `MAX_BATCH_SIZE` (bigger ones are split into several
 * requests) and whose requests carry the session's token. Put your own links before them:
 *
 * ```ts
 * createTRPCClient<AppRouter>({ links: [loggerLink(), ...latchLinks(latch.session, { url })] });
 * ```
 */
export function latchLinks(
  session: LatchSession,
  options: LatchLinkOptions,
): TRPCLink<AppRouter>[] {
  const extra = options.headers;
  return [
    authLink<AppRouter>(session),
    httpBatchLink({
      url: options.url,
      fetch: options.fetch,
      maxItems: MAX_BATCH_SIZE,
      headers: extra
        ? async (opts) => ({ ...(await extra(opts)), ...session.headers(opts) })
        : session.headers,
    }),
  ];
}
