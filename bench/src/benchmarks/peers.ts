import type { BenchContext, Benchmark } from '../lib/context.js';
import {
  combine,
  cpuCell,
  cpuPerRequest,
  type LoadCase,
  type LoadStats,
  noiseOf,
  warmAndMeasure,
} from '../lib/load.js';
import { round } from '../lib/machine.js';
import { roundRobin, sessionPool } from '../lib/pool.js';
import {
  type BenchOutcome,
  fmt,
  LOAD_COLUMNS,
  passMark,
  roundsNote,
  type TargetCheck,
} from '../lib/report.js';
import {
  type BaselineServer,
  keyMaterial,
  type PeerMode,
  startBetterAuth,
  startPrivateRedis,
  startServer,
} from '../lib/stack.js';
import { call, callOk, register } from '../lib/trpc.js';

/** Latch's authenticated call must serve at least this multiple of better-auth's best. */
const TARGET = 2;
/** Twice the server's 10 000-entry verified-token cache: walked round-robin, nothing stays cached. */
const MISS_POOL = 20_000;
const DATABASE_URL = process.env.LATCH_BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const MODES: PeerMode[] = ['database', 'redis', 'cookie-cache'];

const CASES = {
  latch: 'Latch auth.me (token cache on)',
  latchMiss: `Latch auth.me (cache off, ${MISS_POOL / 1000}k tokens)`,
  database: 'better-auth, database',
  redis: 'better-auth, Redis secondaryStorage',
  'cookie-cache': 'better-auth, cookie cache',
} as const;
type Case = keyof typeof CASES;

/**
 * Latch's authenticated call next to better-auth's session check (latest 1.x, inside a Fastify 5
 * route, baseline/better-auth-server.ts) in its three configurations, interleaved round by round;
 * plus how long each keeps accepting a session after it was revoked.
 */
export const peers: Benchmark = {
  name: 'peers',
  description:
    'auth.me vs better-auth (database, Redis secondaryStorage, cookie cache) + revocation window',
  async run(ctx) {
    const redis = await startPrivateRedis();
    ctx.machine.redis = redis.version;
    const key = await keyMaterial(ctx.alg);
    const suffix = `${process.pid}`;
    const started: BaselineServer[] = [];
    try {
      const latch = await startServer(redis, key);
      started.push({ url: latch.url, stop: () => latch.stop() });
      const peerServers = await Promise.all(
        MODES.map((mode) =>
          startBetterAuth(mode, {
            databaseUrl: DATABASE_URL,
            redisUrl: redis.server.url,
            schema: `latch_bench_peer_${mode.replace('-', '_')}_${suffix}`,
          }),
        ),
      );
      started.push(...peerServers);
      const peerCookies = await Promise.all(
        peerServers.map((server, i) => setUp(server.url, `bench-${MODES[i]}@latch.example`)),
      );

      const session = await register(latch.url, 'bench_peers');
      ctx.log(`writing ${MISS_POOL} sessions for the cache-off row`);
      const missHeaders = roundRobin(await sessionPool(redis.client, key.keys, MISS_POOL));
      const cases: LoadCase[] = [
        {
          key: CASES.latch,
          options: {
            url: `${latch.url}/trpc/auth.me`,
            headers: { authorization: `Bearer ${session.accessToken}` },
          },
        },
        {
          key: CASES.latchMiss,
          options: { url: `${latch.url}/trpc/auth.me`, nextHeaders: missHeaders },
        },
        ...MODES.map((mode, i) => ({
          key: CASES[mode],
          options: { url: `${peerServers[i]!.url}/me`, headers: { cookie: peerCookies[i]! } },
        })),
      ];
      const rounds = await warmAndMeasure(CASES, cases, ctx, ctx.log);

      ctx.log('revocation windows');
      const windows = {
        latch: await latchRevocation(latch.url),
        ...Object.fromEntries(
          await Promise.all(
            MODES.map(async (mode, i) => [
              mode,
              await peerRevocation(peerServers[i]!.url, `revoke-${mode}@latch.example`),
            ]),
          ),
        ),
      } as Record<'latch' | PeerMode, string>;
      return summarize(ctx, rounds, windows);
    } finally {
      await Promise.all(started.map((s) => s.stop()));
      await redis.stop();
    }
  },
};

async function setUp(url: string, email: string): Promise<string> {
  const response = await fetch(`${url}/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email }),
  });
  if (!response.ok)
    throw new Error(`better-auth setup: ${response.status} ${await response.text()}`);
  const { cookie } = (await response.json()) as { cookie: string };
  const me = await fetch(`${url}/me`, { headers: { cookie } });
  if (!me.ok) throw new Error(`better-auth /me after setup: ${me.status}`);
  return cookie;
}

/** Log out, then present the old access token at once: 'refused at once' or how it answered. */
async function latchRevocation(url: string): Promise<string> {
  const session = await register(url, 'bench_revoke');
  await callOk(url, 'auth.me', { token: session.accessToken });
  await callOk(url, 'auth.logout', { token: session.accessToken, mutation: true });
  const after = await call(url, 'auth.me', { token: session.accessToken });
  return after.status === 401
    ? `refused at once (${after.authCode})`
    : `still accepted (${after.status})`;
}

/** Sign out, then present the old cookies at once and every 10 s for up to `maxWaitSec`. */
async function peerRevocation(url: string, email: string, maxWaitSec = 0): Promise<string> {
  const cookie = await setUp(url, email);
  await fetch(`${url}/revoke`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json' },
    body: '{}',
  });
  const started = Date.now();
  const accepted = async () => (await fetch(`${url}/me`, { headers: { cookie } })).status === 200;
  if (!(await accepted())) return 'refused at once';
  while ((Date.now() - started) / 1000 < maxWaitSec) {
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    if (!(await accepted())) return `accepted for ${Math.round((Date.now() - started) / 1000)} s`;
  }
  return 'still accepted after sign-out (until the cached cookie expires: maxAge 300 s)';
}

function summarize(
  ctx: BenchContext,
  rounds: Record<Case, LoadStats[]>,
  windows: Record<'latch' | PeerMode, string>,
): BenchOutcome {
  const reqPerSec = (key: Case) => combine(rounds[key]).requests.average;
  const best = MODES.reduce((a, b) => (reqPerSec(a) >= reqPerSec(b) ? a : b));
  const bestRate = reqPerSec(best);
  const ratio = (key: Case) => reqPerSec(key) / bestRate;
  const targets: TargetCheck[] = (['latch', 'latchMiss'] as const).map((key) => ({
    what: `${CASES[key]} ÷ better-auth's best (${CASES[best]}), req/s`,
    target: `>= ${TARGET}`,
    measured: fmt(ratio(key), 2),
    pass: ratio(key) >= TARGET,
  }));
  const windowOf = (key: Case) =>
    key === 'latch' || key === 'latchMiss' ? windows.latch : windows[key as PeerMode];
  const rows = (Object.keys(CASES) as Case[]).map((key) => {
    const s = combine(rounds[key]);
    return [
      CASES[key],
      fmt(s.requests.average),
      fmt(s.latency.p50),
      fmt(s.latency.p99),
      cpuCell(s, 'server'),
      cpuCell(s, 'redis'),
      key === 'latch' || key === 'latchMiss'
        ? `${fmt(ratio(key), 2)} ${passMark(ratio(key) >= TARGET)}`
        : fmt(ratio(key), 2),
      windowOf(key),
    ];
  });
  const notes = [
    `${roundsNote(ctx.rounds, ctx)}; the five cases alternate; "÷ best peer" = this row's req/s ÷ better-auth's best configuration's (here: ${CASES[best]}); target for Latch's rows: >= ${TARGET}`,
    `Latch's access tokens are signed with ${ctx.alg} (\`--alg\`; SPEC's default is EdDSA): with the cache off, every call checks one signature`,
    "better-auth 1.7.x, email+password sign-up, its session check (auth.api.getSession) inside a Fastify 5 route answering {user}; rate limit and telemetry off; PostgreSQL (the machine's, its own schema per run), Redis the same private redis-server as Latch's",
    "server µs/req counts the benchmark's own child processes only: PostgreSQL is the machine's service, so the database configuration's database CPU is not in the table (it flatters that row)",
    "revoked: the same session presented right after logout / sign-out; the cookie cache keeps accepting a signed-out session until the cached cookie expires (maxAge 300 s here, better-auth's default), Latch refuses at once",
  ];
  return {
    settings: {
      connections: ctx.connections,
      durationSec: ctx.durationSec,
      rounds: ctx.rounds,
      warmupSec: ctx.warmupSec,
      missPool: MISS_POOL,
      jwtAlg: ctx.alg,
      database: DATABASE_URL.replace(/\/\/[^@]*@/, '//…@'),
    },
    raw: rounds,
    computed: {
      reqPerSec: Object.fromEntries(
        (Object.keys(CASES) as Case[]).map((k) => [k, round(reqPerSec(k), 1)]),
      ),
      serverMicrosPerRequest: Object.fromEntries(
        (Object.keys(CASES) as Case[]).map((k) => [
          k,
          cpuPerRequest(combine(rounds[k]))?.server ?? null,
        ]),
      ),
      bestPeer: best,
      ratioToBestPeer: {
        latch: round(ratio('latch'), 3),
        latchCacheOff: round(ratio('latchMiss'), 3),
      },
      revocation: windows,
    },
    targets,
    noise: noiseOf(Object.values(rounds).flatMap((list) => list.map((s) => s.cpu))),
    table: {
      title: 'peers: Latch auth.me vs better-auth session checks',
      columns: [...LOAD_COLUMNS, '÷ best peer', 'after revocation'],
      rows,
      notes,
    },
    notes,
  };
}
