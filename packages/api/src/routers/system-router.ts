import { publicProcedure, router } from '../trpc.js';

export const systemRouter = router({
  /** No I/O: liveness, and the baseline the auth-overhead benchmark compares against. */
  ping: publicProcedure.query(() => ({ pong: true as const })),
});
