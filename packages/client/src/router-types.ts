import type { AppRouter } from '@latch/api/router';
import type { inferRouterError, inferRouterInputs, inferRouterOutputs } from '@trpc/server';

/** The Latch server's router type, for `createTRPCClient<AppRouter>` and tRPC's type helpers. */
export type { AppRouter };

/** Every procedure's input, by path: `RouterInputs['auth']['login']`. */
export type RouterInputs = inferRouterInputs<AppRouter>;
/** Every procedure's output, by path: `RouterOutputs['auth']['sessions'][number]`. */
export type RouterOutputs = inferRouterOutputs<AppRouter>;
/** `error.data` of a failed call: tRPC's fields plus `authCode`, `retryAfterMs`, `fieldErrors`. */
export type ErrorData = inferRouterError<AppRouter>['data'];
