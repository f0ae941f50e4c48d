import { authRouter } from './routers/auth-router.js';
import { systemRouter } from './routers/system-router.js';
import { router } from './trpc.js';

export const appRouter = router({
  system: systemRouter,
  auth: authRouter,
});

/** The one source of the API's types: the client and the web app import only this type. */
export type AppRouter = typeof appRouter;
