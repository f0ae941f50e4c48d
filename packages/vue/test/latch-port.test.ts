import { memoryStorage } from '@latch/client';
import { describe, expect, it } from 'vitest';
import type { AuthPortEvent } from '../src/auth-port.js';
import { createLatchPort, movesSession } from '../src/latch-port.js';

describe('movesSession: which answers slide the idle deadline', () => {
  it.each([
    ['/trpc/auth.me', true],
    ['http://127.0.0.1:3000/trpc/auth.me?batch=1&input=%7B%7D', true],
    ['/trpc/auth.sessions,auth.me?batch=1', true],
    ['/trpc/auth.refresh', true],
    ['/trpc/auth.revokeSession', true],
    ['/trpc/auth.login', false],
    ['/trpc/auth.register', false],
    ['/trpc/auth.logout', false],
    ['/trpc/system.ping', false],
    ['/healthz', false],
  ])('%s → %s', (url, expected) => {
    expect(movesSession(url)).toBe(expected);
  });

  it('reads procedures relative to the configured endpoint, wherever it is', () => {
    expect(movesSession('https://api.example/v1/trpc/auth.me', 'https://api.example/v1/trpc')).toBe(
      true,
    );
    expect(movesSession('/api/auth.sessions?batch=1', '/api/')).toBe(true);
    expect(movesSession('/api/auth.login', '/api')).toBe(false);
    expect(movesSession('/trpc/auth.me', '/api')).toBe(false);
  });
});

/** The adapter on the real @latch/client, with a fetch that plays the server. */
describe('createLatchPort on @latch/client', () => {
  const now = Date.now();
  const login = {
    user: { id: 'u1', username: 'alice' },
    sessionId: 's1',
    accessToken: 'a.b.c',
    accessTokenExpiresAt: now + 600_000,
    refreshToken: 's1.secret',
    refreshTokenExpiresAt: now + 86_400_000,
  };
  const me = {
    user: login.user,
    session: {
      id: 's1',
      createdAt: now,
      lastActiveAt: now,
      idleExpiresAt: now + 1_800_000,
      absoluteExpiresAt: now + 604_800_000,
    },
  };

  function fakeServer(answers: Record<string, () => [number, unknown]>) {
    const seen: string[] = [];
    const fetch = async (input: RequestInfo | URL) => {
      const url = new URL(typeof input === 'string' ? input : input.toString(), 'http://x');
      const procedure = url.pathname.replace('/trpc/', '');
      seen.push(procedure);
      const batched = url.searchParams.get('batch') === '1';
      const answer = answers[procedure];
      if (!answer) throw new Error(`unexpected ${procedure}`);
      const [status, body] = answer();
      return new Response(JSON.stringify(batched ? [body] : body), {
        status,
        headers: { 'content-type': 'application/json' },
      });
    };
    return { fetch: fetch as typeof globalThis.fetch, seen };
  }

  it('logs in, reports activity for protected calls, and maps a forced end to session-ended', async () => {
    let meAnswer: [number, unknown] = [200, { result: { data: me } }];
    const server = fakeServer({
      'auth.login': () => [200, { result: { data: login } }],
      'auth.me': () => meAnswer,
    });
    const port = createLatchPort({ url: '/trpc', storage: memoryStorage(), fetch: server.fetch });
    const events: AuthPortEvent[] = [];
    port.subscribe((event) => events.push(event));

    expect(port.hasSession()).toBe(false);
    expect(await port.login({ username: 'alice', password: 'correct horse' })).toEqual({
      user: login.user,
    });
    expect(port.hasSession()).toBe(true);
    expect(port.storedUser()).toEqual(login.user);
    expect(events).toEqual([]);

    expect(await port.me()).toEqual(me);
    expect(events.map((event) => event.type)).toEqual(['activity']);

    meAnswer = [
      401,
      {
        error: {
          message: 'ended',
          code: -32001,
          data: { code: 'UNAUTHORIZED', httpStatus: 401, authCode: 'SESSION_REVOKED' },
        },
      },
    ];
    await expect(port.me()).rejects.toMatchObject({ data: { authCode: 'SESSION_REVOKED' } });
    expect(events.at(-1)).toEqual({ type: 'session-ended', reason: 'SESSION_REVOKED' });
    expect(port.hasSession()).toBe(false);
    port.client.close();
  });
});
