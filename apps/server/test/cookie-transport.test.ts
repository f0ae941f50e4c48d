import { type LatchProcess, startLatchProcess } from '@latch/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PASSWORD = 'violet rocket under tuesday';
const ALLOWED = 'http://app.example:5173';
const COOKIE = 'latch-refresh';

let server: LatchProcess;
let secure: LatchProcess;
beforeAll(async () => {
  [server, secure] = await Promise.all([
    // A trailing slash is what people type; the server normalises it.
    startLatchProcess({ CORS_ORIGINS: `${ALLOWED}/` }),
    startLatchProcess({ COOKIE_SECURE: 'true' }),
  ]);
});
afterAll(async () => {
  await Promise.all([server?.stop(), secure?.stop()]);
});

interface Answer {
  status: number;
  setCookie: string[];
  body: {
    result?: { data: Record<string, unknown> };
    error?: { data: { code: string; authCode?: string } };
  };
}

async function post(
  on: LatchProcess,
  procedure: string,
  input: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await fetch(`${on.trpcUrl}/${procedure}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(input),
  });
  return {
    status: response.status,
    setCookie: response.headers.getSetCookie(),
    body: (await response.json()) as Answer['body'],
  };
}

const cookieTransport = { 'x-latch-transport': 'cookie' };
const cookieValue = (setCookie: string[], name = COOKIE) =>
  setCookie
    .find((c) => c.startsWith(`${name}=`))
    ?.split(';')[0]
    ?.slice(name.length + 1) ?? '';
const withCookie = (value: string) => ({ ...cookieTransport, cookie: `${COOKIE}=${value}` });

async function cookieLogin(on = server) {
  const username = `cookie_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  return post(on, 'auth.register', { username, password: PASSWORD }, cookieTransport);
}

const me = async (token: string) => {
  const response = await fetch(`${server.trpcUrl}/auth.me`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const body = (await response.json()) as Answer['body'];
  return body.error?.data.authCode ?? response.status;
};

describe('the cookie transport (x-latch-transport: cookie)', () => {
  it('login/register set an httpOnly, SameSite=Strict cookie on /trpc and leave the token out of the JSON', async () => {
    const answer = await cookieLogin();
    expect(answer.status).toBe(200);
    expect(answer.body.result?.data).not.toHaveProperty('refreshToken');
    expect(answer.body.result?.data.accessToken).toEqual(expect.any(String));
    const cookie = answer.setCookie.find((c) => c.startsWith(`${COOKIE}=`)) ?? '';
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    expect(cookie).toMatch(/; Path=\/trpc(;|$)/);
    expect(cookie).toMatch(/; Expires=/);
    expect(cookie).not.toMatch(/; Secure/);

    const onHttps = await cookieLogin(secure);
    const secureCookie = onHttps.setCookie.find((c) => c.startsWith('__Secure-latch-refresh='));
    expect(secureCookie).toMatch(/; Secure/);
  });

  it('refresh reads and rotates the cookie; the old value is reuse and revokes the session', async () => {
    const login = await cookieLogin();
    const first = cookieValue(login.setCookie);
    const refreshed = await post(server, 'auth.refresh', {}, withCookie(first));
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.result?.data).not.toHaveProperty('refreshToken');
    const second = cookieValue(refreshed.setCookie);
    expect(second).not.toBe(first);
    const newAccess = String(refreshed.body.result?.data.accessToken);
    expect(await me(newAccess)).toBe(200);

    const second2 = await post(server, 'auth.refresh', {}, withCookie(second));
    const third = cookieValue(second2.setCookie);
    // `first` is two rotations old: reuse.
    const reused = await post(server, 'auth.refresh', {}, withCookie(first));
    expect(reused.body.error?.data.authCode).toBe('REFRESH_REUSED');
    expect(await post(server, 'auth.refresh', {}, withCookie(third))).toMatchObject({
      status: 401,
    });
  });

  it('a refused cookie refresh clears the cookie; the answer says whose session a good one is', async () => {
    const login = await cookieLogin();
    const value = cookieValue(login.setCookie);
    const refreshed = await post(server, 'auth.refresh', {}, withCookie(value));
    // A page holding only the cookie learns the session from this one answer.
    expect(refreshed.body.result?.data).toMatchObject({
      user: login.body.result?.data.user,
      sessionId: login.body.result?.data.sessionId,
    });

    const second = cookieValue(refreshed.setCookie);
    const third = cookieValue(
      (await post(server, 'auth.refresh', {}, withCookie(second))).setCookie,
    );
    // A wrong secret, junk, then two rotations old (reuse: the session is revoked).
    const parts = third.split('.');
    const wrongSecret = [...parts.slice(0, 3), 'x'.repeat(43), ...parts.slice(4)].join('.');
    for (const dead of [wrongSecret, 'junk', value]) {
      const refused = await post(server, 'auth.refresh', {}, withCookie(dead));
      expect(refused.status, dead).toBe(401);
      const cleared = refused.setCookie.find((c) => c.startsWith(`${COOKIE}=`)) ?? '';
      expect(cleared).toMatch(/^latch-refresh=;.*Expires=Thu, 01 Jan 1970/);
    }
    // Refused for coming from another site is not the cookie's fault: it stays.
    const crossSite = await post(
      server,
      'auth.refresh',
      {},
      {
        ...withCookie('anything'),
        origin: 'http://evil.example',
      },
    );
    expect(crossSite.status).toBe(403);
    expect(crossSite.setCookie).toEqual([]);
  });

  it('logout clears the cookie, and its last value is refused afterwards', async () => {
    const login = await cookieLogin();
    const value = cookieValue(login.setCookie);
    const access = String(login.body.result?.data.accessToken);
    const logout = await post(
      server,
      'auth.logout',
      {},
      {
        ...withCookie(value),
        authorization: `Bearer ${access}`,
      },
    );
    expect(logout.status).toBe(200);
    const cleared = logout.setCookie.find((c) => c.startsWith(`${COOKIE}=`)) ?? '';
    expect(cleared).toMatch(/^latch-refresh=;/);
    expect(cleared).toMatch(/Expires=Thu, 01 Jan 1970/);
    const after = await post(server, 'auth.refresh', {}, withCookie(value));
    expect(after.status).toBe(401);
    expect(after.body.error?.data.authCode).toBe('SESSION_REVOKED');
  });

  it('a batch that logs in twice answers with one cookie, and that cookie works', async () => {
    const credentials = { username: `batch_${Date.now().toString(36)}`, password: PASSWORD };
    expect((await post(server, 'auth.register', credentials)).status).toBe(200);
    const response = await fetch(`${server.trpcUrl}/auth.login,auth.login?batch=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...cookieTransport },
      body: JSON.stringify({ 0: credentials, 1: credentials }),
    });
    expect(response.status).toBe(200);
    const cookies = response.headers.getSetCookie().filter((c) => c.startsWith(`${COOKIE}=`));
    expect(cookies).toHaveLength(1);
    const refreshed = await post(server, 'auth.refresh', {}, withCookie(cookieValue(cookies)));
    expect(refreshed.status).toBe(200);
  });

  it('refuses the cookie from another site (Origin or Sec-Fetch-Site), changing nothing; a listed origin may use it', async () => {
    const login = await cookieLogin();
    const value = cookieValue(login.setCookie);
    const crossSite: Record<string, string>[] = [
      { origin: 'http://evil.example' },
      { origin: 'http://localhost:1' },
      { 'sec-fetch-site': 'cross-site' },
    ];
    for (const headers of crossSite) {
      const refused = await post(server, 'auth.refresh', {}, { ...withCookie(value), ...headers });
      expect(refused.status).toBe(403);
      expect(refused.setCookie).toEqual([]);
    }
    // Nothing rotated: the same cookie still works, from the listed origin too.
    const allowed = await post(
      server,
      'auth.refresh',
      {},
      { ...withCookie(value), origin: ALLOWED },
    );
    expect(allowed.status).toBe(200);
    const own = await post(
      server,
      'auth.refresh',
      {},
      {
        ...withCookie(cookieValue(allowed.setCookie)),
        origin: server.url,
        'sec-fetch-site': 'same-origin',
      },
    );
    expect(own.status).toBe(200);
  });

  it('without the opt-in nothing changes: the token in the body, a cookie alone is not read', async () => {
    const username = `body_${Date.now().toString(36)}`;
    const login = await post(server, 'auth.register', { username, password: PASSWORD });
    expect(login.setCookie).toEqual([]);
    const refreshToken = String(login.body.result?.data.refreshToken);
    expect(refreshToken.length).toBeGreaterThan(40);
    const cookieOnly = await post(
      server,
      'auth.refresh',
      {},
      { cookie: `${COOKIE}=${refreshToken}` },
    );
    expect(cookieOnly.body.error?.data.authCode).toBe('REFRESH_INVALID');
    const body = await post(server, 'auth.refresh', { refreshToken });
    expect(body.status).toBe(200);
    expect(body.body.result?.data.refreshToken).toEqual(expect.any(String));
  });

  it('CORS for a listed origin allows credentials and the transport header', async () => {
    const preflight = await fetch(`${server.trpcUrl}/auth.refresh`, {
      method: 'OPTIONS',
      headers: {
        origin: ALLOWED,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-latch-transport',
      },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('x-latch-transport');
  });
});
