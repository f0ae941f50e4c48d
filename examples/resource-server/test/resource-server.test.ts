import { type LatchProcess, startLatchProcess } from '@latch/testing';
import { createVerifier } from '@latch/verify';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildResourceServer } from '../src/server.js';

const CLIENT = { clientId: 'orders', clientSecret: 'q8Vt3mZ6pK2wX9nR5cL7bJ4y' };

describe('examples/resource-server with a real Latch server', () => {
  let latch: LatchProcess;
  let orders: FastifyInstance;
  let ordersUrl: string;

  beforeAll(async () => {
    latch = await startLatchProcess({
      INTROSPECTION_CLIENTS: `${CLIENT.clientId}:${CLIENT.clientSecret}`,
    });
    orders = buildResourceServer(
      createVerifier({
        issuer: 'latch',
        audience: 'latch-api',
        jwksUrl: `${latch.url}/.well-known/jwks.json`,
        introspection: { url: `${latch.url}/oauth/introspect`, ...CLIENT },
      }),
    );
    ordersUrl = await orders.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await orders?.close();
    await latch?.stop();
  });

  it('serves a signed-in user, refuses without a token, and after logout', async () => {
    const username = `orders_${Date.now().toString(36)}`;
    const registered = await fetch(`${latch.trpcUrl}/auth.register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: 'violet rocket under tuesday' }),
    });
    const { result } = (await registered.json()) as {
      result: { data: { accessToken: string; user: { id: string } } };
    };
    const bearer = { authorization: `Bearer ${result.data.accessToken}` };

    const mine = await fetch(`${ordersUrl}/orders`, { headers: bearer });
    expect(mine.status).toBe(200);
    expect(await mine.json()).toMatchObject({ owner: { userId: result.data.user.id, username } });

    const anonymous = await fetch(`${ordersUrl}/orders`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ error: 'TOKEN_INVALID' });

    await fetch(`${latch.trpcUrl}/auth.logout`, {
      method: 'POST',
      headers: { ...bearer, 'content-type': 'application/json' },
    });
    const afterLogout = await fetch(`${ordersUrl}/orders`, { headers: bearer });
    expect(afterLogout.status).toBe(401);
    expect(afterLogout.headers.get('www-authenticate')).toContain('invalid_token');
    expect(await afterLogout.json()).toEqual({ error: 'SESSION_REVOKED' });
  });
});
