// zod/mini: the same schemas at a fraction of the size in a browser bundle (the client ships
// them). It has no messages of its own; the server sets English ones (`packages/api/src/trpc.ts`).
import * as z from 'zod/mini';

export const usernameSchema = z
  .string()
  .check(
    z.minLength(3),
    z.maxLength(64),
    z.regex(/^[A-Za-z0-9_.-]+$/, 'only letters, digits, "_", "." and "-"'),
  );

/** A new password is at most this many characters (Unicode code points, after NFKC). */
export const PASSWORD_MAX_LENGTH = 128;
/** The least `PASSWORD_MIN_LENGTH` may be set to, and its default. */
export const PASSWORD_MIN_LENGTH_FLOOR = 8;
export const PASSWORD_MIN_LENGTH_DEFAULT = 12;

/**
 * A password as typed at login or to confirm an identity: any that an earlier policy accepted
 * (up to 256 characters), so accounts older than the policy keep working.
 */
export const passwordSchema = z.string().check(z.minLength(1), z.maxLength(256));

/**
 * A new password, bounded here by what every server refuses (fewer than 8 characters) and in
 * size: the server applies the rest of the policy (its `PASSWORD_MIN_LENGTH`, at most
 * PASSWORD_MAX_LENGTH after NFKC, no commonly used password) and answers BAD_REQUEST with a field
 * error naming the rule.
 */
export const newPasswordSchema = z
  .string()
  .check(z.minLength(PASSWORD_MIN_LENGTH_FLOOR), z.maxLength(1024));

export const credentialsInput = z.object({ username: usernameSchema, password: passwordSchema });
export type CredentialsInput = z.infer<typeof credentialsInput>;

export const registerInput = z.object({ username: usernameSchema, password: newPasswordSchema });
export type RegisterInput = z.infer<typeof registerInput>;

export const changePasswordInput = z.object({
  currentPassword: passwordSchema,
  newPassword: newPasswordSchema,
});
export type ChangePasswordInput = z.infer<typeof changePasswordInput>;

// A refresh token is opaque (ids, generation, secret, tag); the bound only keeps junk small.
// Absent under the cookie transport, where the httpOnly cookie carries it.
export const refreshInput = z.object({
  refreshToken: z.optional(z.string().check(z.minLength(1), z.maxLength(512))),
});
export type RefreshInput = z.infer<typeof refreshInput>;

export const sessionIdSchema = z.string().check(z.minLength(1), z.maxLength(64));
export const revokeSessionInput = z.object({ sessionId: sessionIdSchema });
export type RevokeSessionInput = z.infer<typeof revokeSessionInput>;

/** Epoch milliseconds: every time on the wire is one. */
const epochMs = z.int();

export const publicUser = z.object({ id: z.string(), username: z.string() });
export type PublicUser = z.infer<typeof publicUser>;

export const tokenPairOutput = z.object({
  accessToken: z.string(),
  accessTokenExpiresAt: epochMs,
  refreshToken: z.string(),
  refreshTokenExpiresAt: epochMs,
});
export type TokenPair = z.infer<typeof tokenPairOutput>;

export const loginOutput = z.extend(tokenPairOutput, { user: publicUser, sessionId: z.string() });
export type LoginOutput = z.infer<typeof loginOutput>;

export const sessionInfo = z.object({
  id: z.string(),
  createdAt: epochMs,
  lastActiveAt: epochMs,
  idleExpiresAt: epochMs,
  absoluteExpiresAt: epochMs,
});
export type SessionInfo = z.infer<typeof sessionInfo>;

export const meOutput = z.object({ user: publicUser, session: sessionInfo });
export type MeOutput = z.infer<typeof meOutput>;

export const sessionListItem = z.object({
  id: z.string(),
  createdAt: epochMs,
  lastActiveAt: epochMs,
  userAgent: z.nullable(z.string()),
  ip: z.nullable(z.string()),
  current: z.boolean(),
});
export const sessionsOutput = z.array(sessionListItem);
export type SessionListItem = z.infer<typeof sessionListItem>;

export const okOutput = z.object({ ok: z.literal(true) });
export const logoutAllOutput = z.object({ revoked: z.int() });
export const pingOutput = z.object({ pong: z.literal(true) });

/**
 * Most procedure calls one batched HTTP request may carry. The server refuses bigger batches (one
 * request must not buy thousands of password hashes); the client splits its batches to match.
 */
export const MAX_BATCH_SIZE = 16;
