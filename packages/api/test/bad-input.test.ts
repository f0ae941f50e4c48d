import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { describe, expect, it } from 'vitest';
import type { AuthFlows } from '../src/auth-flows.js';
import { appRouter } from '../src/router.js';

/**
 * The router over tRPC's own fetch adapter: input validation answers before any flow runs, so
 * the context's flows are never called (and would throw if they were).
 */
async function call(procedure: string, input: unknown) {
  const untouchable = new Proxy({} as AuthFlows, {
    get: () => {
      throw new Error('bad input must not reach the auth flows');
    },
  });
  const response = await fetchRequestHandler({
    endpoint: '/trpc',
    router: appRouter,
    req: new Request(`http://localhost/trpc/${procedure}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(input),
    }),
    createContext: () => ({
      auth: untouchable,
      origin: { ip: null, userAgent: null },
      authorization: undefined,
    }),
  });
  return {
    status: response.status,
    body: (await response.json()) as {
      error: { data: { code: string; fieldErrors?: Record<string, string[]> } };
    },
  };
}

describe('bad input', () => {
  it('is BAD_REQUEST with field errors in words (zod/mini has none of its own)', async () => {
    const { status, body } = await call('auth.register', { username: 'ab', password: 'short' });
    expect(status).toBe(400);
    expect(body.error.data.code).toBe('BAD_REQUEST');
    const { username, password } = body.error.data.fieldErrors ?? {};
    expect(username?.[0]).toMatch(/too small.*>=3 characters/i);
    expect(password?.[0]).toMatch(/too small.*>=8 characters/i);
  });

  it('names the expected type for a wrong one', async () => {
    const { body } = await call('auth.refresh', { refreshToken: 42 });
    expect(body.error.data.fieldErrors?.refreshToken?.[0]).toMatch(/expected string/i);
  });
});
