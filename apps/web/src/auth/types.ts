import type { AppRouter } from '@latch/api';
import type { inferRouterError, inferRouterInputs, inferRouterOutputs } from '@trpc/server';

/** Every shape the app shows comes from the router's own types: no hand-written copies. */
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;

export type Credentials = RouterInputs['auth']['login'];
export type LoginResult = RouterOutputs['auth']['login'];
export type Me = RouterOutputs['auth']['me'];
export type User = Me['user'];
export type SessionInfo = Me['session'];
export type SessionRow = RouterOutputs['auth']['sessions'][number];

/** `error.data` as the server's error formatter builds it (authCode, retryAfterMs, fieldErrors…). */
export type ApiErrorData = inferRouterError<AppRouter>['data'];
