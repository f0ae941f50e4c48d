import { router, serviceFreeProcedure } from '../trpc.js';

export const systemRouter = router({
  /** No I/O: liveness, and the baseline the auth-overhead benchmark compares against. */
  ping: serviceFreeProcedure.query(() => ({ pong: true as const })),
});
