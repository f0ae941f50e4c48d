import { type LatchProcess, startLatchProcess } from '@latch/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PASSWORD = 'violet rocket under tuesday';
const CLIENT = { id: 'orders-api', secret: 'k3Jq9vT2mX8pL5wR7nB4cZ6y' };
const IDLE_TIMEOUT_S = 3;

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

let server: LatchProcess;
let closed: LatchProcess;

beforeAll(async () => {
  [server, closed] = await Promise.all([
    startLatchProcess({
      INTROSPECTION_CLIENTS: `other:${'x'.repeat(30)},${CLIENT.id}:${CLIENT.secret}`,
      SESSION_IDLE_TIMEOUT: String(IDLE_TIMEOUT_S),
      JWT_ISSUER: 'https://auth.example',
      JWT_AUDIENCE: 'orders-api',
    }),
    startLatchProcess(),
  ]);
});
afterAll(async () => {
  await Promise.all([server?.stop(), closed?.stop()]);
});

async function introspect(on: LatchProcess, token: string, authorization?: string) {
  const response = await fetch(`${on.url}/oauth/introspect`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(authorization && { authorization }),
    },
    body: new URLSearchParams({ token }).toString(),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

async function signIn(username: string) {
  const response = await fetch(`${server.trpcUrl}/auth.register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  const { result } = (await response.json()) as {
    result: { data: { accessToken: string; sessionId: string; user: { id: string } } };
  };
  return result.data;
}

const call = (path: string, token: string) =>
  fetch(`${server.trpcUrl}/${path}`, {
    method: path === 'auth.me' ? 'GET' : 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      ...(path !== 'auth.me' && { 'content-type': 'application/json' }),
    },
  });

const unique = (prefix: string) =>
  `${prefix}_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

describe('POST /oauth/introspect (RFC 7662)', () => {
  it('answers 401 without, or with wrong, client credentials, and when no client is configured', async () => {
    const { accessToken } = await signIn(unique('intro401'));
    for (const authorization of [
      undefined,
      basic(CLIENT.id, 'wrong-secret-wrong-secret'),
      basic('nobody', CLIENT.secret),
      'Bearer something',
    ]) {
      const answer = await introspect(server, accessToken, authorization);
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toMatch(/^Basic /);
      expect(answer.body).toEqual({ error: 'invalid_client' });
    }
    const none = await introspect(closed, accessToken, basic(CLIENT.id, CLIENT.secret));
    expect(none.status).toBe(401);
  });

  it("describes a live session's token; after logout and for junk it is only active:false", async () => {
    const username = unique('intro');
    const { accessToken, sessionId, user } = await signIn(username);
    const live = await introspect(server, accessToken, basic(CLIENT.id, CLIENT.secret));
    expect(live.status).toBe(200);
    expect(live.headers.get('cache-control')).toBe('no-store');
    expect(live.body).toMatchObject({
      active: true,
      sub: user.id,
      sid: sessionId,
      username,
      iss: 'https://auth.example',
      aud: 'orders-api',
      token_type: 'Bearer',
    });
    expect(live.body.exp).toBeGreaterThan(Date.now() / 1000);
    expect(live.body.exp).toBeLessThan(Date.now() / 1000 + 3600);

    expect((await call('auth.logout', accessToken)).status).toBe(200);
    const after = await introspect(server, accessToken, basic(CLIENT.id, CLIENT.secret));
    expect(after.body).toEqual({ active: false });
    for (const junk of ['junk', `${accessToken.slice(0, -4)}AAAA`, '']) {
      const answer = await introspect(server, junk, basic(CLIENT.id, CLIENT.secret));
      expect(answer.status === 400 || answer.body.active === false).toBe(true);
    }
  });

  it('never slides the idle deadline: a session only introspected expires on time', async () => {
    const { accessToken } = await signIn(unique('introidle'));
    const me = await (await call('auth.me', accessToken)).json();
    const idleExpiresAt = (me as { result: { data: { session: { idleExpiresAt: number } } } })
      .result.data.session.idleExpiresAt;
    // Introspect all along, up to just past the deadline the server gave.
    let active = true;
    while (Date.now() < idleExpiresAt + 1500) {
      const answer = await introspect(server, accessToken, basic(CLIENT.id, CLIENT.secret));
      active = answer.body.active === true;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(active).toBe(false);
    const body = (await (await call('auth.me', accessToken)).json()) as {
      error: { data: { authCode: string } };
    };
    expect(body.error.data.authCode).toBe('SESSION_EXPIRED');
  });

  // Last: it leaves this ip limited on this server.
  it('limits failed client authentication per ip: then even the right credentials wait', async () => {
    const { accessToken } = await signIn(unique('introlimit'));
    // 20 failures per minute from one ip (the first test of this file spent 4 of them).
    const statuses: number[] = [];
    for (let i = 0; i < 21 && statuses.at(-1) !== 429; i++) {
      statuses.push((await introspect(server, accessToken, basic(CLIENT.id, `guess-${i}`))).status);
    }
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.slice(0, -1).every((status) => status === 401)).toBe(true);
    expect(statuses.length).toBe(17);
    const right = await introspect(server, accessToken, basic(CLIENT.id, CLIENT.secret));
    expect(right.status).toBe(429);
    expect(right.headers.get('retry-after')).toBe('60');
  });
});
