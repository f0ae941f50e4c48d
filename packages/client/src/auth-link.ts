import type { AppRouter } from '@latch/api/router';
import { isSessionEndingCode } from '@latch/shared';
import { TRPCClientError, type TRPCLink } from '@trpc/client';
import type { AnyRouter } from '@trpc/server';
import { observable, type Unsubscribable } from '@trpc/server/observable';
import { authErrorOf } from './auth-errors.js';
import { explainRefusedBatch } from './batch-limit.js';
import type { LatchSession } from './latch-session.js';

/**
 * The tRPC link that makes every call authenticated. Place it before the terminating HTTP link,
 * whose `headers` must be `session.headers` (that is where the token is read, at send time):
 *
 * - refreshes first when the access token expires within the skew;
 * - after a `TOKEN_EXPIRED` answer refreshes (or takes a refresh another call already made) and
 *   sends the call once more; a second `TOKEN_EXPIRED` is returned to the caller, so a server that
 *   keeps refusing costs at most one refresh and one retry per call, never a loop;
 * - on a session-ending answer ends the session (once, however many calls get it) and fails the
 *   call with that answer; anything else (`AUTH_UNAVAILABLE`, network) leaves the session alone;
 * - a batch the server refused for its size fails with a message naming the limit and the fix.
 *
 * `latchLinks()` puts it together with a batch link that fits the server's limits.
 */
export function authLink<TRouter extends AnyRouter = AppRouter>(
  session: LatchSession,
): TRPCLink<TRouter> {
  return () =>
    ({ op, next }) =>
      observable((observer) => {
        let upstream: Unsubscribable | undefined;
        let stopped = false;
        const fail = (error: unknown) => {
          if (!stopped) observer.error(toClientError<TRouter>(error));
        };

        const attempt = (isRetry: boolean) => {
          session.beforeSend().then(() => {
            if (stopped) return;
            // A fresh context per attempt: `session.headers` records in it which token was sent.
            const context = { ...op.context };
            const fallback = session.currentToken();
            upstream = next({ ...op, context }).subscribe({
              next: (envelope) => observer.next(envelope),
              complete: () => observer.complete(),
              error: (error) => {
                const code = authErrorOf(error)?.code;
                const sent = session.sentWith(context) ?? fallback;
                if (code === 'TOKEN_EXPIRED' && !isRetry) {
                  session.afterTokenExpired(sent).then((retry) => {
                    if (stopped) return;
                    if (retry) attempt(true);
                    else observer.error(error);
                  }, fail);
                  return;
                }
                if (isSessionEndingCode(code)) session.endedByServer(sent, code);
                observer.error(explainRefusedBatch(error));
              },
            });
          }, fail);
        };

        attempt(false);
        return () => {
          stopped = true;
          upstream?.unsubscribe();
        };
      });
}

function toClientError<TRouter extends AnyRouter>(error: unknown): TRPCClientError<TRouter> {
  if (error instanceof TRPCClientError) return error as TRPCClientError<TRouter>;
  const cause = error instanceof Error ? error : new Error(String(error));
  return TRPCClientError.from<TRouter>(cause, { cause });
}
