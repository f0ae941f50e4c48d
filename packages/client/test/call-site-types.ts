// Not run by vitest: `pnpm --filter @latch/client typecheck` compiles it, and each
// `@ts-expect-error` fails that typecheck if the line below it ever stops being a type error.
// So this file proves the client is typed end to end from `AppRouter`.
import type { MeOutput, SessionListItem } from '@latch/shared';
import { createTRPCClient } from '@trpc/client';
import {
  type AppRouter,
  authLink,
  createLatchClient,
  failureOf,
  type LatchClient,
  latchLinks,
  type RouterInputs,
  type RouterOutputs,
} from '../src/index.js';

export async function callSiteTypes(latch: LatchClient): Promise<void> {
  const me: MeOutput = await latch.trpc.auth.me.query();
  const sessions: SessionListItem[] = await latch.trpc.auth.sessions.query();
  await latch.trpc.auth.revokeSession.mutate({ sessionId: sessions[0]?.id ?? me.session.id });

  // @ts-expect-error: no such procedure
  await latch.trpc.auth.whoami.query();
  // @ts-expect-error: no such router
  await latch.trpc.admin.users.query();
  // @ts-expect-error: a mutation is not a query
  await latch.trpc.auth.logout.query();
  // @ts-expect-error: `sessionId` must be a string
  await latch.trpc.auth.revokeSession.mutate({ sessionId: 42 });
  // @ts-expect-error: `sessionId` is required
  await latch.trpc.auth.revokeSession.mutate({});
  // @ts-expect-error: login takes `{ username, password }`
  await latch.login({ user: 'ada', password: 'secret123' });

  // @ts-expect-error: outputs are typed too
  const wrong: string = me.session.idleExpiresAt;

  const state = latch.getState();
  if (state.status === 'signedIn') {
    const name: string = state.user.username;
    void name;
  } else {
    // @ts-expect-error: a signed-out state has no user
    void state.user;
  }

  // The link is exported for building one's own chain.
  void authLink(latch.session);
  // @ts-expect-error: `url` is required
  createLatchClient({});
  void wrong;
}

/** Building one's own chain: the router type and the links come from the package. */
export function ownChain(latch: LatchClient): void {
  const trpc = createTRPCClient<AppRouter>({ links: latchLinks(latch.session, { url: '/trpc' }) });
  const sessions: Promise<RouterOutputs['auth']['sessions']> = trpc.auth.sessions.query();
  const input: RouterInputs['auth']['login'] = { username: 'ada', password: 'lovelace-1815' };
  // @ts-expect-error: no such procedure on the router either
  void trpc.auth.doesNotExist.query();
  // @ts-expect-error: `latchLinks` needs the endpoint
  latchLinks(latch.session, {});
  const failure = failureOf(new Error('offline'));
  // @ts-expect-error: `code` is tRPC's set of codes or NETWORK, not any string
  const code: 'NOPE' = failure.code;
  void sessions;
  void input;
  void code;
}
