import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { type RedisServer, startRedisServer } from '@latch/testing';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { base64url, decodeJwt, decodeProtectedHeader, type JWTPayload, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, startTestServer, type TestServer } from '../harness.js';
import {
  closeRawAgent,
  type KeyState,
  leaksStack,
  type RawRequest,
  type RawResponse,
  rawRequest,
  snapshotStore,
  storeChanges,
} from './support.js';

/**
 * Random and malformed requests at every procedure: never a 5xx or a stack trace, nothing let
 * through, and a refused call leaves the store exactly as it was (values and TTLs, checked on a
 * private Redis after every request). Runs are bounded so the file takes well under 20 s.
 * A failure prints fast-check's seed and the shrunk request; re-run with FUZZ_SEED=<seed>
 * (and the same FUZZ_SCALE).
 */

const PROCEDURES = [
  'system.ping',
  'auth.register',
  'auth.login',
  'auth.refresh',
  'auth.logout',
  'auth.logoutAll',
  'auth.me',
  'auth.sessions',
  'auth.revokeSession',
] as const;
type Procedure = (typeof PROCEDURES)[number];
const PROTECTED = new Set<string>([
  'auth.logout',
  'auth.logoutAll',
  'auth.me',
  'auth.sessions',
  'auth.revokeSession',
]);
const QUERIES = new Set<string>(['system.ping', 'auth.me', 'auth.sessions']);
/** Calls that may legitimately write when they succeed (a protected query slides the session). */
const WRITES_ON_SUCCESS = new Set<string>([
  'auth.register',
  'auth.login',
  'auth.refresh',
  ...PROTECTED,
]);

const prefix = `fz:${randomUUID().slice(0, 6)}:`;
const signing = generateKeyPairSync('ed25519');
const foreign = generateKeyPairSync('ed25519');
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
// FUZZ_SCALE multiplies every property's run count (default 2: about 8 s on 2 cores)
const scale = Number(process.env.FUZZ_SCALE ?? 2);
const runs = (n: number) => ({
  numRuns: Math.max(1, Math.round(n * scale)),
  ...(seed !== undefined && { seed }),
});

let redis: RedisServer;
let t: TestServer;
let client: Redis;
/** The known user: a live session refreshed once (so it has a previous hash and a grace result). */
let known: {
  userId: string;
  username: string;
  sessionId: string;
  accessToken: string;
  refreshToken: string;
  previousRefreshToken: string;
  kid: string;
  claims: JWTPayload;
};
let snapshot: Map<string, KeyState>;
const stats = { requests: 0, byStatus: new Map<number, number>() };

beforeAll(async () => {
  redis = await startRedisServer();
  t = await startTestServer({
    REDIS_URL: redis.url,
    REDIS_PREFIX: prefix,
    JWT_PRIVATE_KEY: signing.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    // long enough that nothing the snapshots compare expires while the file runs
    REFRESH_REUSE_GRACE: '600',
    LOGIN_RATE_LIMIT: '100000/600',
  });
  client = new Redis(redis.url);
  const login = await registerUser(t);
  const refreshed = await t.call('auth.refresh', { input: { refreshToken: login.refreshToken } });
  expect(refreshed.status).toBe(200);
  known = {
    userId: login.user.id,
    username: login.user.username,
    sessionId: login.sessionId,
    accessToken: refreshed.data.accessToken,
    refreshToken: refreshed.data.refreshToken,
    previousRefreshToken: login.refreshToken,
    kid: decodeProtectedHeader(refreshed.data.accessToken).kid!,
    claims: decodeJwt(refreshed.data.accessToken),
  };
  snapshot = await snapshotStore(client);
}, 60_000);

afterAll(async () => {
  closeRawAgent();
  client?.disconnect();
  await t?.close();
  await redis?.stop();
  console.log(
    `fuzz: ${stats.requests} requests, statuses ${JSON.stringify(Object.fromEntries(stats.byStatus))}`,
  );
});

// ---------------------------------------------------------------------------------------------
// arbitraries

const specials = fc.constantFrom(
  '',
  ' ',
  'null',
  'undefined',
  '__proto__',
  'constructor',
  '{}',
  '[]',
  '\u0000',
  '\u202eevil',
  '\ud800',
  '😀'.repeat(40),
  '../../etc/passwd',
  "' OR 1=1 --",
  '{{7*7}}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a log4shell-style probe, meant literally
  '${jndi:ldap://127.0.0.1/x}',
  '%00%0d%0a',
  '*',
  '}:u',
  '{x}',
  'a'.repeat(65),
  'a'.repeat(257),
  'a'.repeat(513),
);
/** Up to just over the 1 MiB body limit, in 1-4 byte characters. */
const huge = fc
  .tuple(
    fc.integer({ min: 2_000, max: 1_100_000 }),
    fc.constantFrom('a', 'é', '😀', '"', '\\', '\u0000'),
  )
  .map(([n, c]) => c.repeat(Math.ceil(n / c.length)));
const text = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 80 }) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 3, arbitrary: specials },
  { weight: 1, arbitrary: huge },
);
const junk: fc.Arbitrary<unknown> = fc.oneof(
  text,
  fc.anything({ maxDepth: 3, maxKeys: 5 }),
  fc.jsonValue({ maxDepth: 4 }),
  fc.constantFrom(null, true, 0, -1, 1e308, -0, Number.NaN, Number.POSITIVE_INFINITY, [], {}),
);
const username = fc.stringMatching(/^[A-Za-z0-9_.-]{3,64}$/);
const password = fc.string({ minLength: 8, maxLength: 256 });
const b64 = fc.uint8Array({ maxLength: 200 }).map((bytes) => base64url.encode(bytes));
/** Strings an HTTP header may carry (latin-1 without controls). */
const headerText = fc.string({
  unit: fc
    .integer({ min: 0x20, max: 0xff })
    .filter((c) => c !== 0x7f)
    .map((c) => String.fromCharCode(c)),
  maxLength: 300,
});
/** RFC 6750 b64token characters: `Bearer <these>` must be TOKEN_INVALID, not TOKEN_MISSING. */
const b64token = fc.string({
  unit: fc.constantFrom(
    ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/'.split(''),
  ),
  minLength: 1,
  maxLength: 400,
});

const enc = (value: unknown) => base64url.encode(JSON.stringify(value) ?? 'null');

function claimsArb(): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.record(
      {
        iss: fc.oneof(fc.constant('latch'), fc.string()),
        aud: fc.oneof(fc.constant('latch-api'), fc.constant(['latch-api']), fc.string()),
        sub: fc.oneof(fc.constant(known.userId), fc.string()),
        sid: fc.oneof(fc.constant(known.sessionId), fc.string()),
        typ: fc.oneof(fc.constant('access'), fc.constant('refresh'), fc.string()),
        exp: fc.oneof(fc.constant(known.claims.exp), fc.integer(), fc.double()),
        iat: fc.oneof(fc.constant(known.claims.iat), fc.integer()),
        jti: fc.string(),
      },
      { requiredKeys: [] },
    ),
  );
}

/** header.payload.signature with a signature that cannot verify. */
function jwtShaped(): fc.Arbitrary<string> {
  const header = fc.record(
    {
      alg: fc.constantFrom('EdDSA', 'HS256', 'none', 'RS256', 'ES256', '', null),
      kid: fc.oneof(fc.constant(known.kid), fc.string()),
      typ: fc.constantFrom('JWT', 'at+jwt'),
      crit: fc.array(fc.string(), { maxLength: 2 }),
      b64: fc.boolean(),
    },
    { requiredKeys: [] },
  );
  const realSignature = known.accessToken.split('.')[2]!;
  return fc
    .tuple(header, claimsArb(), fc.oneof(b64, fc.constant(''), fc.constant(realSignature)))
    .map(([h, p, s]) => `${enc(h)}.${enc(p)}.${s}`);
}

function authorizationArb(): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    fc.constant(undefined),
    headerText,
    headerText.map((s) => `Bearer ${s}`),
    b64token.map((s) => `Bearer ${s}`),
    jwtShaped().map((s) => `Bearer ${s}`),
    jwtShaped().map((s) => `bearer ${s}`),
    jwtShaped().map((s) => `Bearer  ${s}`),
    fc.constantFrom('Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', `Bearer ${known.accessToken}x`),
    fc.integer({ min: 9_000, max: 70_000 }).map((n) => `Bearer ${'A'.repeat(n)}`),
  );
}

/** Refresh tokens that must all be refused without touching the known session. */
function refreshTokenArb(): fc.Arbitrary<unknown> {
  const secret = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => base64url.encode(b));
  const part = fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/);
  // One character changed anywhere but in the tag: the live token's credential is its secret, so
  // the live token with another tag is still the live token (the tag authenticates old ones).
  const tamper = fc.tuple(fc.nat(), fc.constantFrom(...'ABCxyz019-_'.split(''))).map(([i, c]) => {
    const token = known.refreshToken;
    const at = i % token.lastIndexOf('.');
    const swapped = token[at] === c ? (c === 'A' ? 'B' : 'A') : c;
    return token.slice(0, at) + swapped + token.slice(at + 1);
  });
  return fc.oneof(
    junk,
    text,
    jwtShaped(),
    fc.tuple(part, part, secret).map((p) => p.join('.')),
    secret.map((s) => `${known.userId}.${known.sessionId}.${s}`),
    // every generation of the known session, a random secret and a made-up tag: older ones are
    // refused (not revoked) because the tag is not the session's
    fc
      .tuple(fc.nat({ max: 4 }), secret, fc.uint8Array({ minLength: 16, maxLength: 16 }))
      .map(
        ([generation, s, tag]) =>
          `${known.userId}.${known.sessionId}.${generation}.${s}.${base64url.encode(tag)}`,
      ),
    secret.map((s) => `${known.userId}.${s.slice(0, 22)}.${s}`),
    tamper,
    fc.constantFrom(
      `${known.userId}.${known.sessionId}`,
      `${known.refreshToken}.x`,
      `${known.refreshToken}=`,
      `.${known.refreshToken}`,
      known.refreshToken.toUpperCase(),
    ),
  );
}

function inputArb(procedure: string): fc.Arbitrary<unknown> {
  switch (procedure) {
    case 'auth.register':
    case 'auth.login':
      return fc.oneof(
        fc.record({ username, password }),
        fc.record({ username: fc.constant(known.username), password }),
        fc.record({ username: junk, password: junk }, { requiredKeys: [] }),
        fc.record({ username, password, extra: junk }),
        junk,
      );
    case 'auth.refresh':
      return fc.oneof(
        fc.record({ refreshToken: refreshTokenArb() }),
        fc.record({ refreshToken: junk }, { requiredKeys: [] }),
        junk,
      );
    case 'auth.revokeSession':
      return fc.oneof(fc.record({ sessionId: fc.oneof(text, fc.constant(known.sessionId)) }), junk);
    default:
      return fc.oneof(fc.constant(undefined), junk);
  }
}

const procedureArb = fc.constantFrom<Procedure>(...PROCEDURES);

// ---------------------------------------------------------------------------------------------
// one request and its checks

interface Sent {
  request: RawRequest;
  /** The procedure of each call in the request, in order (one for a non-batch call). */
  procedures: string[];
  /** Whether this request may change rate-limit counters (it calls auth.login or auth.register). */
  countsLogins: boolean;
}

/** A tRPC call the way a client makes it: GET for queries, POST for mutations, or batched. */
function trpcRequest(
  procedures: string[],
  inputs: unknown[],
  options: { authorization?: string; batch?: boolean; method?: string } = {},
): RawRequest {
  const batch = options.batch ?? procedures.length > 1;
  const method =
    options.method ?? (procedures.every((p) => QUERIES.has(p)) && !batch ? 'GET' : 'POST');
  const query = new URLSearchParams();
  if (batch) query.set('batch', '1');
  const payload = batch ? Object.fromEntries(inputs.map((input, i) => [i, input])) : inputs[0];
  const serialized = JSON.stringify(payload);
  let body: string | undefined;
  if (method === 'GET') {
    if (serialized !== undefined) query.set('input', serialized);
  } else {
    body = serialized;
  }
  const search = query.size > 0 ? `?${query}` : '';
  return {
    method,
    path: `/trpc/${procedures.map(encodeUri).join(',')}${search}`,
    headers: {
      // as a client does; a POST without it is refused with 415 before anything else runs
      ...(method !== 'GET' && { 'content-type': 'application/json' }),
      ...(options.authorization !== undefined && { authorization: options.authorization }),
    },
    ...(body !== undefined && { body }),
  };
}

/** Which calls of the request succeeded (a batch answers per call). */
function succeeded(response: RawResponse, procedures: string[]): string[] {
  const body = response.json;
  if (Array.isArray(body)) {
    return body.flatMap((item, i) =>
      item && typeof item === 'object' && 'result' in item ? [procedures[i] ?? '?'] : [],
    );
  }
  // HEAD gets tRPC's 204 without running anything: only a `result` is a call that ran
  const ran = body && typeof body === 'object' && 'result' in body;
  return response.status >= 200 && response.status < 300 && ran ? procedures : [];
}

function describeRequest(request: RawRequest): string {
  const show = (s: string | undefined) =>
    s === undefined ? '' : s.length > 300 ? `${s.slice(0, 300)}…(${s.length})` : s;
  return `${request.method} ${show(request.path)} ${show(JSON.stringify(request.headers))} ${show(request.body?.toString())}`;
}

/**
 * Sends one request and holds it to the rules: a response (no hang-up), never 5xx, never a stack
 * trace, no protected call accepted without the known valid token, and when nothing was
 * accepted that may write, the store is unchanged (rate-limit counters aside for logins and registrations).
 */
async function send(
  sent: Sent,
  options: { validToken?: boolean; ignoreKnownSession?: boolean } = {},
): Promise<RawResponse> {
  const response = await rawRequest(t.url, sent.request);
  stats.requests += 1;
  stats.byStatus.set(response.status, (stats.byStatus.get(response.status) ?? 0) + 1);
  // compare and move the baseline before asserting, so shrinking after a failure starts clean
  const before = snapshot;
  snapshot = await snapshotStore(client);
  const ok = succeeded(response, sent.procedures);
  const wrote = ok.some((p) => WRITES_ON_SUCCESS.has(p) && !(options.validToken && QUERIES.has(p)));
  const knownSessionKey = `${prefix}{${known.userId}}:s:${known.sessionId}`;
  const changes = wrote
    ? [] // an accepted write: the new state is simply the baseline
    : storeChanges(
        before,
        snapshot,
        (key) =>
          (sent.countsLogins && key.startsWith(`${prefix}{rl:`)) ||
          (options.ignoreKnownSession === true && key === knownSessionKey),
      );

  const what = describeRequest(sent.request);
  expect(response.status, what).toBeGreaterThanOrEqual(200);
  expect(response.status, `${what}\n→ ${response.text.slice(0, 500)}`).toBeLessThan(500);
  expect(leaksStack(response.text), `${what}\n→ ${response.text.slice(0, 500)}`).toBe(false);
  const items: unknown[] = Array.isArray(response.json) ? response.json : [response.json];
  for (const item of items) {
    // biome-ignore lint/suspicious/noExplicitAny: walking an arbitrary JSON answer
    const data = (item as any)?.error?.data;
    if (data) expect(data.httpStatus, what).toBeLessThan(500);
  }
  if (!options.validToken) {
    expect(
      ok.filter((p) => PROTECTED.has(p)),
      `protected call let through: ${what}`,
    ).toEqual([]);
  }
  expect(
    changes,
    `refused call changed the store: ${what}\n→ ${response.text.slice(0, 300)}`,
  ).toEqual([]);
  return response;
}

const sentCall = (
  procedures: string[],
  inputs: unknown[],
  options: Parameters<typeof trpcRequest>[2] = {},
): Sent => ({
  request: trpcRequest(procedures, inputs, options),
  procedures,
  countsLogins: countsAttempts(procedures),
});

// ---------------------------------------------------------------------------------------------

describe('fuzzing every procedure over HTTP', () => {
  it('junk input and junk Authorization at every procedure', async () => {
    const arb = procedureArb.chain((procedure) =>
      fc.record({
        procedure: fc.constant(procedure),
        input: inputArb(procedure),
        authorization: authorizationArb(),
      }),
    );
    await fc.assert(
      fc.asyncProperty(arb, async ({ procedure, input, authorization }) => {
        const sent = sentCall([procedure], [input], { authorization });
        const response = await send(sent);
        if (PROTECTED.has(procedure) && response.status === 401) {
          expect(['TOKEN_MISSING', 'TOKEN_INVALID']).toContain(
            response.json?.error?.data?.authCode,
          );
        }
      }),
      runs(250),
    );
  });

  it('junk bearer tokens at every protected procedure: 401 TOKEN_MISSING / TOKEN_INVALID', async () => {
    const cases = fc.oneof(
      b64token.map((s) => ({ header: `Bearer ${s}`, expected: 'TOKEN_INVALID' })),
      jwtShaped().map((s) => ({ header: `Bearer ${s}`, expected: 'TOKEN_INVALID' })),
      headerText
        // HTTP drops the spaces and tabs around a header value (and only those)
        .filter((s) => !/^Bearer [A-Za-z0-9._~+/-]+=*$/.test(s.replace(/^[ \t]+|[ \t]+$/g, '')))
        .map((s) => ({ header: s, expected: 'TOKEN_MISSING' })),
    );
    const protectedProcedure = fc.constantFrom(...PROCEDURES.filter((p) => PROTECTED.has(p)));
    await fc.assert(
      fc.asyncProperty(protectedProcedure, cases, async (procedure, { header, expected }) => {
        const input =
          procedure === 'auth.revokeSession' ? { sessionId: known.sessionId } : undefined;
        const response = await send(sentCall([procedure], [input], { authorization: header }));
        expect(response.status).toBe(401);
        expect(response.json.error.data.authCode).toBe(expected);
      }),
      runs(150),
    );
  });

  it('forged tokens for the known session: wrong key, alg confusion, none, one bad claim', async () => {
    const { claims, kid } = known;
    const base = { ...claims };
    const sign = (
      payload: JWTPayload,
      header: { alg: string; kid?: string; typ?: string },
      key: Parameters<SignJWT['sign']>[0],
    ) => new SignJWT(payload).setProtectedHeader({ typ: 'at+jwt', ...header }).sign(key);
    const publicJwk = signing.publicKey.export({ format: 'jwk' });
    const publicPem = signing.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const fixed = [
      await sign(base, { alg: 'EdDSA', kid }, foreign.privateKey),
      await sign(base, { alg: 'HS256', kid }, new TextEncoder().encode(publicPem)),
      await sign(base, { alg: 'HS256', kid }, new TextEncoder().encode(publicJwk.x!)),
      await sign(base, { alg: 'HS256', kid }, base64url.decode(publicJwk.x!)),
      `${enc({ alg: 'none', kid })}.${enc(base)}.`,
      `${enc({ alg: 'none' })}.${enc(base)}.`,
      `${enc({ alg: 'EdDSA', kid })}.${enc({ ...base, sub: randomUUID() })}.${known.accessToken.split('.')[2]}`,
    ];
    // validly signed with the server's own key, every claim right but one
    const iat = base.iat!;
    const oneBadClaim = fc.oneof(
      fc
        .string()
        .filter((s) => s !== 'latch')
        .map((iss) => ({ ...base, iss })),
      fc
        .string()
        .filter((s) => s !== 'latch-api')
        .map((aud) => ({ ...base, aud })),
      fc.constantFrom('sub', 'sid', 'jti', 'iat', 'exp', 'iss', 'aud').map((drop) => {
        const copy: JWTPayload = { ...base };
        delete copy[drop];
        return copy;
      }),
      fc
        .integer({ min: 120, max: 100_000 })
        .map((s) => ({ ...base, nbf: Math.floor(Date.now() / 1000) + s })),
      // a lifetime beyond ACCESS_TOKEN_TTL (up to a century), or issued in the future
      fc
        .integer({ min: 2, max: 3_153_600_000 })
        .map((extra) => ({ ...base, exp: base.exp! + extra })),
      fc.integer({ min: 2, max: 100_000 }).map((ahead) => ({
        ...base,
        iat: Math.floor(Date.now() / 1000) + ahead,
        exp: Math.floor(Date.now() / 1000) + ahead + (base.exp! - iat),
      })),
      fc.constant({ ...base, sub: 'x'.repeat(129) }),
      fc.constant({ ...base, sid: 'x'.repeat(65) }),
      fc.constant({ ...base, sid: 42 }),
    );
    for (const token of fixed) {
      for (const procedure of ['auth.me', 'auth.sessions', 'auth.logout', 'auth.logoutAll']) {
        const response = await send(
          sentCall([procedure], [undefined], { authorization: `Bearer ${token}` }),
        );
        expect({ procedure, token, code: response.json?.error?.data?.authCode }).toEqual({
          procedure,
          token,
          code: 'TOKEN_INVALID',
        });
      }
    }
    await fc.assert(
      fc.asyncProperty(
        oneBadClaim,
        fc.constantFrom('auth.me', 'auth.logout', 'auth.logoutAll'),
        fc.constantFrom(kid, 'other-kid'),
        async (payload, procedure, headerKid) => {
          const token = await sign(payload, { alg: 'EdDSA', kid: headerKid }, signing.privateKey);
          const response = await send(
            sentCall([procedure], [undefined], { authorization: `Bearer ${token}` }),
          );
          expect(response.status).toBe(401);
          expect(response.json.error.data.authCode).toBe('TOKEN_INVALID');
        },
      ),
      runs(100),
    );
    // every claim right, signed with the server's key, but the header typ is not at+jwt
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc
            .string()
            .filter((typ) => !['at+jwt', 'application/at+jwt'].includes(typ.toLowerCase())),
          fc.constantFrom('JWT', 'jwt', 'access', 'at+jwt+x', 'application/jwt'),
        ),
        fc.constantFrom('auth.me', 'auth.logout', 'auth.logoutAll'),
        async (typ, procedure) => {
          const token = await sign(base, { alg: 'EdDSA', kid, typ }, signing.privateKey);
          const response = await send(
            sentCall([procedure], [undefined], { authorization: `Bearer ${token}` }),
          );
          expect(response.status).toBe(401);
          expect(response.json.error.data.authCode).toBe('TOKEN_INVALID');
        },
      ),
      runs(100),
    );
    // and properly signed tokens of sessions that do not exist: refused, nothing written
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 128 }),
        fc.string({ minLength: 1, maxLength: 64 }),
        fc.constantFrom('auth.me', 'auth.logout', 'auth.logoutAll', 'auth.sessions'),
        async (sub, sid, procedure) => {
          fc.pre(!(sub === known.userId && sid === known.sessionId));
          const token = await sign(
            { ...base, sub, sid },
            { alg: 'EdDSA', kid },
            signing.privateKey,
          );
          const response = await send(
            sentCall([procedure], [undefined], { authorization: `Bearer ${token}` }),
          );
          expect(response.status).toBe(401);
          expect(response.json.error.data.authCode).toBe('SESSION_EXPIRED');
        },
      ),
      runs(60),
    );
  });

  it('random refresh tokens: refused with a refresh/session code, the known session untouched', async () => {
    await fc.assert(
      fc.asyncProperty(refreshTokenArb(), async (refreshToken) => {
        const response = await send(sentCall(['auth.refresh'], [{ refreshToken }]));
        expect([400, 401, 413], response.text).toContain(response.status);
        if (response.status === 401) {
          expect(['REFRESH_INVALID', 'SESSION_EXPIRED']).toContain(
            response.json.error.data.authCode,
          );
        }
      }),
      runs(200),
    );
  });

  it('random methods, paths, content types, headers and raw bodies', async () => {
    const junkPath = fc.oneof(
      procedureArb.map(String),
      fc.array(procedureArb, { minLength: 2, maxLength: 6 }).map((p) => p.join(',')),
      fc.string({ maxLength: 40 }).map(encodeUri),
      fc.constantFrom(
        '%',
        '%zz',
        '%c0%af',
        '..%2f..%2fetc',
        'auth',
        'auth.',
        '.me',
        'auth.me.',
        'auth.__proto__',
        'constructor',
        'auth.me,,',
      ),
    );
    const query = fc.oneof(
      fc.constant(''),
      fc.constant('?batch=1'),
      junk.map((j) => `?input=${encodeURIComponent(JSON.stringify(j) ?? '')}`),
      text.map((s) => `?input=${encodeUri(s)}`),
      junk.map((j) => `?batch=1&input=${encodeURIComponent(JSON.stringify(j) ?? '')}`),
      fc.tuple(fc.string(), fc.string()).map(([k, v]) => `?${encodeUri(k)}=${encodeUri(v)}`),
      fc.constantFrom(
        '?input=',
        '?input=%',
        '?batch=0',
        '?batch=abc&input=[]',
        '?input={"0":1}&input=2',
      ),
    );
    const request = fc.record({
      method: fc.constantFrom(
        'GET',
        'POST',
        'PUT',
        'PATCH',
        'DELETE',
        'OPTIONS',
        'HEAD',
        'PROPFIND',
        'SEARCH',
      ),
      path: junkPath,
      query,
      contentType: fc.constantFrom(
        undefined,
        'application/json',
        'application/json; charset=latin1',
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/octet-stream',
        'garbage',
      ),
      body: fc.option(
        fc.oneof(
          text,
          junk.map((j) => JSON.stringify(j) ?? 'undefined'),
        ),
        { nil: undefined },
      ),
      authorization: authorizationArb(),
      extra: fc.dictionary(
        fc.constantFrom(
          'x-forwarded-for',
          'trpc-batch-mode',
          'accept',
          'origin',
          'cookie',
          'x-http-method-override',
          'user-agent',
        ),
        headerText,
        { maxKeys: 3 },
      ),
    });
    // A header over Node's 16 KiB limit gets Fastify's raw 431 with a body even for HEAD, which
    // an HTTP client cannot parse after a HEAD; the 431 itself is covered by the other methods.
    const headSafe = request.filter(
      (r) =>
        r.method !== 'HEAD' ||
        (r.authorization?.length ?? 0) + r.path.length + r.query.length < 8_000,
    );
    await fc.assert(
      fc.asyncProperty(headSafe, async (r) => {
        const procedures = safeDecode(r.path).split(',');
        await send({
          request: {
            method: r.method,
            path: `/trpc/${r.path}${r.query}`,
            headers: {
              ...r.extra,
              ...(r.contentType && { 'content-type': r.contentType }),
              ...(r.authorization !== undefined && { authorization: r.authorization }),
            },
            ...(r.body !== undefined &&
              r.method !== 'GET' &&
              r.method !== 'HEAD' && { body: r.body }),
          },
          procedures,
          countsLogins: countsAttempts(procedures),
        });
      }),
      runs(200),
    );
  });

  it('batches of junk, as POST and as GET', async () => {
    const call = procedureArb.chain((procedure) =>
      fc.tuple(fc.constant<string>(procedure), inputArb(procedure)),
    );
    const batch = fc.record({
      calls: fc.array(call, { minLength: 1, maxLength: 12 }),
      authorization: authorizationArb(),
      method: fc.constantFrom('GET', 'POST'),
      mangle: fc.constantFrom('none', 'array', 'text', 'missing-index'),
    });
    await fc.assert(
      fc.asyncProperty(batch, async ({ calls, authorization, method, mangle }) => {
        const procedures = calls.map(([p]) => p);
        const request = trpcRequest(
          procedures,
          calls.map(([, input]) => input),
          { authorization, batch: true, method },
        );
        if (mangle !== 'none' && method === 'POST') {
          const inputs = calls.map(([, input]) => input);
          request.body =
            mangle === 'array'
              ? JSON.stringify(inputs)
              : mangle === 'text'
                ? `{"0":${JSON.stringify(inputs[0]) ?? ''}`
                : JSON.stringify({ 7: inputs[0] });
        }
        await send({ request, procedures, countsLogins: countsAttempts(procedures) });
      }),
      runs(120),
    );
  });

  it('the valid token with junk input and junk query: no 5xx, the session intact but for its activity time', async () => {
    const fields = async () => {
      const all = await client.hgetall(`${prefix}{${known.userId}}:s:${known.sessionId}`);
      const { la: _la, ...rest } = all;
      return rest;
    };
    const fieldsBefore = await fields();
    expect(Object.keys(fieldsBefore).length).toBeGreaterThan(5);
    const procedure = fc.constantFrom('auth.me', 'auth.sessions', 'auth.revokeSession');
    await fc.assert(
      fc.asyncProperty(
        procedure,
        fc.oneof(
          fc.record({ sessionId: fc.oneof(text, fc.string({ minLength: 1, maxLength: 64 })) }),
          junk,
        ),
        fc.constantFrom('GET', 'POST'),
        async (proc, input, method) => {
          fc.pre(
            !(
              typeof input === 'object' &&
              input !== null &&
              (input as { sessionId?: unknown }).sessionId === known.sessionId
            ),
          );
          const request = trpcRequest([proc], [input], {
            authorization: `Bearer ${known.accessToken}`,
            method: proc === 'auth.revokeSession' ? 'POST' : method,
          });
          const response = await send(
            { request, procedures: [proc], countsLogins: false },
            { validToken: true, ignoreKnownSession: true },
          );
          if (proc === 'auth.revokeSession') expect([400, 404, 413]).toContain(response.status);
        },
      ),
      runs(120),
    );
    expect(await fields()).toEqual(fieldsBefore);
  });

  it('is alive afterwards: ping, healthz, the known session and its grace replay', async () => {
    expect((await t.call('system.ping')).data).toEqual({ pong: true });
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    const me = await t.call('auth.me', { token: known.accessToken });
    expect(me.status).toBe(200);
    expect(me.data.session.id).toBe(known.sessionId);
    // the token rotated at the start is still inside its grace window: the same answer as then
    const replay = await t.call('auth.refresh', {
      input: { refreshToken: known.previousRefreshToken },
    });
    expect(replay.status).toBe(200);
    expect(replay.data.refreshToken).toBe(known.refreshToken);
    expect(stats.requests).toBeGreaterThan(500 * scale);
  });
});

/** Logins and registrations count attempts even when refused (the rate limits). */
function countsAttempts(procedures: string[]): boolean {
  return procedures.includes('auth.login') || procedures.includes('auth.register');
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** encodeURIComponent throws on lone surrogates, which the generators produce: replace them first. */
function encodeUri(value: string): string {
  const wellFormed = value.replace(
    /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    '\uFFFD',
  );
  return encodeURIComponent(wellFormed);
}
