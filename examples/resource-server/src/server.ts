import { latchPreHandler, type VerifiedToken, type Verifier } from '@latch/verify';
import Fastify, { type FastifyInstance } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by @latch/verify's pre-handler on every route that requires a signed-in user. */
    latch?: VerifiedToken;
  }
}

/**
 * An "orders" service of the same company: its routes serve whoever holds a Latch access token,
 * and know the user (and session) from it without a database of users of its own.
 */
export function buildResourceServer(verifier: Verifier): FastifyInstance {
  const app = Fastify({ logger: false });

  app.get('/health', async () => ({ ok: true }));

  app.register(async (authed) => {
    authed.addHook('preHandler', latchPreHandler(verifier));
    authed.get('/orders', async (request) => {
      const latch = request.latch!;
      return {
        owner: { userId: latch.userId, username: latch.username ?? null },
        session: latch.sessionId,
        orders: [{ id: `${latch.userId.slice(0, 8)}-1`, item: 'coffee beans', quantity: 2 }],
      };
    });
  });
  return app;
}
