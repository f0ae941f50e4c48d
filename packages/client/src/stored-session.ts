import { loginOutput } from '@latch/shared';
import * as z from 'zod/mini';

/**
 * What a `TokenStorage` holds, as JSON: the login answer (kept current by every refresh) plus
 * when this client received the access token, which bounds how early it refreshes. Under the
 * cookie transport there is no `refreshToken`: the browser keeps it where no script can read it.
 */
export const storedSession = z.extend(loginOutput, {
  refreshToken: z.optional(z.string()),
  receivedAt: z.int(),
});
export type StoredSession = z.infer<typeof storedSession>;

export function serializeSession(session: StoredSession): string {
  return JSON.stringify(session);
}

/**
 * `null` for anything that is not a complete session: a half-written, hand-edited or
 * older-format value means "logged out", never a crash.
 */
export function parseSession(raw: string | null): StoredSession | null {
  if (raw === null) return null;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return null;
  }
  const parsed = storedSession.safeParse(json);
  return parsed.success ? parsed.data : null;
}
