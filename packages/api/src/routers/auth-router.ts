import {
  changePasswordInput,
  credentialsInput,
  refreshInput,
  registerInput,
  revokeSessionInput,
} from '@latch/shared';
import { answerWith, NO_COOKIE, presentedRefreshToken, spendingCookie } from '../refresh-cookie.js';
import { protectedProcedure, publicProcedure, router } from '../trpc.js';

export const authRouter = router({
  register: publicProcedure
    .input(registerInput)
    .mutation(async ({ ctx, input }) =>
      answerWith(ctx.refreshCookie ?? NO_COOKIE, await ctx.auth.register(input, ctx.origin)),
    ),

  login: publicProcedure
    .input(credentialsInput)
    .mutation(async ({ ctx, input }) =>
      answerWith(ctx.refreshCookie ?? NO_COOKIE, await ctx.auth.login(input, ctx.origin)),
    ),

  refresh: publicProcedure.input(refreshInput).mutation(async ({ ctx, input }) => {
    const cookie = ctx.refreshCookie ?? NO_COOKIE;
    const token = presentedRefreshToken(cookie, input.refreshToken);
    return answerWith(cookie, await spendingCookie(cookie, () => ctx.auth.refresh(token)));
  }),

  changePassword: protectedProcedure.input(changePasswordInput).mutation(async ({ ctx, input }) => {
    await ctx.auth.changePassword(ctx, input, ctx.origin);
    return { ok: true as const };
  }),

  logout: protectedProcedure.mutation(async ({ ctx }) => {
    await ctx.auth.logout(ctx);
    ctx.refreshCookie?.clear();
    return { ok: true as const };
  }),

  logoutAll: protectedProcedure.mutation(async ({ ctx }) => {
    const revoked = await ctx.auth.logoutAll(ctx);
    ctx.refreshCookie?.clear();
    return { revoked };
  }),

  me: protectedProcedure.query(({ ctx }) => ctx.auth.me(ctx)),

  sessions: protectedProcedure.query(({ ctx }) => ctx.auth.sessions(ctx)),

  revokeSession: protectedProcedure.input(revokeSessionInput).mutation(async ({ ctx, input }) => {
    await ctx.auth.revokeSession(ctx, input.sessionId);
    return { ok: true as const };
  }),
});
