import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeRawAgent, rawRequest } from '../hardening/support.js';
import { registerUser, startTestServer, type TestServer } from '../harness.js';

/**
 * Audit finding 6: token and personal-data answers carried no `Cache-Control: no-store`,
 * `TRACE /trpc/x` answered 500, and with CORS on tRPC overwrote `Vary: Origin`. Node's fetch
 * refuses TRACE, so every request here goes through node:http as sent.
 */
const ORIGIN = 'https://app.example';

let t: TestServer;
let token: string;
beforeAll(async () => {
  t = await startTestServer({ CORS_ORIGINS: ORIGIN });
  token = (await registerUser(t)).accessToken;
});
afterAll(async () => {
  closeRawAgent();
  await t?.close();
});

const json = { 'content-type': 'application/json' };

describe('HTTP hardening of /trpc', () => {
  it('sends Cache-Control: no-store on every /trpc answer, successes and errors alike', async () => {
    const bearer = { authorization: `Bearer ${token}` };
    const requests = [
      { method: 'GET', path: '/trpc/auth.me', headers: bearer }, // 200, personal data
      { method: 'GET', path: '/trpc/auth.sessions', headers: bearer }, // 200
      {
        method: 'POST',
        path: '/trpc/auth.login',
        headers: json,
        body: '{"username":"nobody_here","password":"wrong password"}',
      }, // 401
      { method: 'POST', path: '/trpc/auth.refresh', headers: json, body: '{}' }, // 401 REFRESH_INVALID (no token in body or cookie)
      { method: 'GET', path: '/trpc/auth.me' }, // 401
      { method: 'GET', path: '/trpc/no.such' }, // 404
      {
        method: 'POST',
        path: '/trpc/auth.login',
        headers: { 'content-type': 'text/plain' },
        body: 'x',
      }, // 415
      { method: 'POST', path: '/trpc/auth.login', headers: json, body: 'x'.repeat(1_100_000) }, // 413
      { method: 'GET', path: '/trpc/system.ping' }, // 200
      {
        method: 'GET',
        path: '/trpc/system.ping?batch=1&input=%7B%7D',
        headers: { 'trpc-accept': 'application/jsonl' },
      }, // 200, streamed by tRPC's own handler
    ];
    const statuses = [];
    for (const request of requests) {
      const response = await rawRequest(t.url, request);
      statuses.push(response.status);
      expect(
        response.headers['cache-control'],
        `${request.method} ${request.path} → ${response.status}`,
      ).toBe('no-store');
    }
    expect(statuses).toEqual([200, 200, 401, 401, 401, 404, 415, 413, 200, 200]);
  });

  it('answers TRACE and other methods than GET/POST with a 405, never a 500', async () => {
    // (methods Node's HTTP parser does not know, like TRACK, never reach the server: Node answers 400)
    for (const method of ['TRACE', 'PUT', 'DELETE', 'PATCH', 'PROPFIND', 'MKCOL']) {
      const response = await rawRequest(t.url, { method, path: '/trpc/x' });
      expect(response.status, method).toBe(405);
      expect(response.headers.allow, method).toBe('GET, POST');
      expect(response.headers['cache-control'], method).toBe('no-store');
      expect(response.text).not.toMatch(/stack|\.ts:\d+/);
    }
  });

  it('keeps Vary: Origin with CORS on, next to tRPC’s own Vary', async () => {
    const preflight = await rawRequest(t.url, {
      method: 'OPTIONS',
      path: '/trpc/auth.me',
      headers: { origin: ORIGIN, 'access-control-request-method': 'GET' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(ORIGIN);
    const origins: Record<string, string>[] = [
      { origin: ORIGIN },
      { origin: 'https://evil.example' },
      {},
    ];
    for (const headers of origins) {
      const response = await rawRequest(t.url, {
        method: 'GET',
        path: '/trpc/auth.me',
        headers: { ...headers, authorization: `Bearer ${token}` },
      });
      expect(response.status).toBe(200);
      const vary = String(response.headers.vary ?? '')
        .split(',')
        .map((v) => v.trim().toLowerCase());
      expect(vary, JSON.stringify(headers)).toContain('origin');
    }
  });

  it('sends the API security headers on every API answer, and no document-only ones', async () => {
    for (const path of [
      '/trpc/system.ping',
      '/trpc/auth.me',
      '/healthz',
      '/.well-known/jwks.json',
    ]) {
      const response = await rawRequest(t.url, { method: 'GET', path });
      expect(response.headers['content-type'], path).toMatch(/^application\/json/);
      expect(response.headers['content-security-policy'], path).toBe(
        "default-src 'none'; frame-ancestors 'none'",
      );
      expect(response.headers['x-content-type-options'], path).toBe('nosniff');
      expect(response.headers['x-frame-options'], path).toBe('DENY');
      expect(response.headers['cross-origin-resource-policy'], path).toBe('same-origin');
      expect(response.headers['strict-transport-security'], path).toBe('max-age=31536000');
      for (const documentOnly of [
        'referrer-policy',
        'cross-origin-opener-policy',
        'x-xss-protection',
      ]) {
        expect(response.headers[documentOnly], `${path} ${documentOnly}`).toBeUndefined();
      }
    }
  });
});

describe('security headers of the web app’s pages', () => {
  let web: TestServer;
  let dist: string;
  beforeAll(async () => {
    dist = mkdtempSync(path.join(tmpdir(), 'latch-web-'));
    writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>t</title>');
    writeFileSync(path.join(dist, 'app.js'), 'console.log(1)');
    web = await startTestServer({}, { webDist: dist });
  });
  afterAll(async () => {
    await web?.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('sends helmet’s full set with the CSP the app needs on every page', async () => {
    for (const path of ['/', '/index.html', '/login?next=%2Fsessions']) {
      const response = await rawRequest(web.url, { method: 'GET', path });
      expect(response.status, path).toBe(200);
      expect(response.headers['content-type'], path).toMatch(/^text\/html/);
      const csp = String(response.headers['content-security-policy']);
      for (const directive of [
        "default-src 'self'",
        "script-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'none'",
      ]) {
        expect(csp, path).toContain(directive);
      }
      expect(response.headers['x-content-type-options'], path).toBe('nosniff');
      expect(response.headers['referrer-policy'], path).toBe('no-referrer');
      expect(response.headers['x-frame-options'], path).toBe('DENY');
      expect(response.headers['cross-origin-opener-policy'], path).toBe('same-origin');
      expect(response.headers['strict-transport-security'], path).toBe('max-age=31536000');
    }
    const script = await rawRequest(web.url, { method: 'GET', path: '/app.js' });
    expect(script.headers['x-content-type-options']).toBe('nosniff');
  });

  it('sends the page’s set on a 304 too: the browser applies its headers to the cached page', async () => {
    const first = await rawRequest(web.url, { method: 'GET', path: '/index.html' });
    const etag = String(first.headers.etag);
    const revalidated = await rawRequest(web.url, {
      method: 'GET',
      path: '/index.html',
      headers: { 'if-none-match': etag },
    });
    expect(revalidated.status).toBe(304);
    expect(String(revalidated.headers['content-security-policy'])).toContain("script-src 'self'");
    expect(revalidated.headers['referrer-policy']).toBe('no-referrer');
  });
});
