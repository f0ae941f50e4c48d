import {
  changePasswordInput,
  credentialsInput,
  refreshInput,
  registerInput,
  revokeSessionInput,
} from '@latch/shared';
import { protectedProcedure, publicProcedure, router } from '../trpc.js';

export const authRouter = router({
  register: publicProcedure
    .input(registerInput)
    .mutation(({ ctx, input }) => ctx.auth.register(input, ctx.origin)),

  login: publicProcedure
    .input(credentialsInput)
    .mutation(({ ctx, input }) => ctx.auth.login(input, ctx.origin)),

  refresh: publicProcedure
    .input(refreshInput)
    .mutation(({ ctx, input }) => ctx.auth.refresh(input.refreshToken)),

  changePassword: protectedProcedure.input(changePasswordInput).mutation(async ({ ctx, input }) => {
    await ctx.auth.changePassword(ctx, input, ctx.origin);
    return { ok: true as const };
  }),

  logout: protectedProcedure.mutation(async ({ ctx }) => {
    await ctx.auth.logout(ctx);
    return { ok: true as const };
  }),

  logoutAll: protectedProcedure.mutation(async ({ ctx }) => ({
    revoked: await ctx.auth.logoutAll(ctx),
  })),

  me: protectedProcedure.query(({ ctx }) => ctx.auth.me(ctx)),

  sessions: protectedProcedure.query(({ ctx }) => ctx.auth.sessions(ctx)),

  revokeSession: protectedProcedure.input(revokeSessionInput).mutation(async ({ ctx, input }) => {
    await ctx.auth.revokeSession(ctx, input.sessionId);
    return { ok: true as const };
  }),
});
