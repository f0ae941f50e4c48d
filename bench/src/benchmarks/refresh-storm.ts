import { Agent, request } from 'node:http';
import { AccessTokens, type JwtAlgorithm } from '@latch/api';
import type { Redis } from 'ioredis';
import type { BenchContext, Benchmark } from '../lib/context.js';
import { type CpuShare, cpuShare, sampleCpu } from '../lib/cpu.js';
import { noiseOf } from '../lib/load.js';
import { round } from '../lib/machine.js';
import { type BenchOutcome, fmt, passMark, type TargetCheck } from '../lib/report.js';
import { keyMaterial, REDIS_PREFIX, startPrivateRedis, startServer } from '../lib/stack.js';
import { summary } from '../lib/stats.js';
import { login, register, type TokenPair } from '../lib/trpc.js';

const CONCURRENCY = [50, 500];
const ROUNDS = 3;
const QUICK_ROUNDS = 1;
const REQUEST_TIMEOUT_MS = 30_000;

interface Round {
  concurrency: number;
  statuses: Record<string, number>;
  /** Distinct refresh tokens among the 200 answers: 1 when every caller got the same pair. */
  distinctRefreshTokens: number;
  /** How far the session's refresh generation moved in the storm: one per rotation. */
  rotations: number;
  latenciesMs: number[];
  cpu: CpuShare | null;
}

export const refreshStorm: Benchmark = {
  name: 'refresh-storm',
  description: '50 and 500 concurrent auth.refresh with one refresh token: rotations and latency',
  async run(ctx) {
    const redis = await startPrivateRedis();
    ctx.machine.redis = redis.version;
    const rounds: Round[] = [];
    let lone: number[] = [];
    try {
      const server = await startServer(redis, await keyMaterial(ctx.alg));
      try {
        const user = await register(server.url, 'bench_storm');
        lone = await loneRefreshes(server.url, user.user.username);
        for (const concurrency of CONCURRENCY) {
          // Keep-alive sockets opened before the storm: it measures the refresh, not TCP set-up.
          const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
          try {
            await Promise.all(
              Array.from({ length: concurrency }, () =>
                send(agent, 'GET', server.url, 'system.ping'),
              ),
            );
            for (let i = 0; i < (ctx.quick ? QUICK_ROUNDS : ROUNDS); i++) {
              const session = await login(server.url, user.user.username);
              const sessionKey = `${REDIS_PREFIX}{${session.user.id}}:s:${session.sessionId}`;
              const generation = await refreshGeneration(redis.client, sessionKey);
              ctx.log(`${concurrency} concurrent refreshes, round ${i + 1}`);
              const before = sampleCpu();
              const answers = await Promise.all(
                Array.from({ length: concurrency }, () =>
                  send(agent, 'POST', server.url, 'auth.refresh', {
                    refreshToken: session.refreshToken,
                  }),
                ),
              );
              const cpu = cpuShare(before, sampleCpu());
              const statuses: Record<string, number> = {};
              for (const a of answers) statuses[a.status] = (statuses[a.status] ?? 0) + 1;
              const tokens = new Set(
                answers.flatMap((a) =>
                  a.status === 200 ? [(a.data as TokenPair).refreshToken] : [],
                ),
              );
              rounds.push({
                concurrency,
                statuses,
                distinctRefreshTokens: tokens.size,
                rotations: (await refreshGeneration(redis.client, sessionKey)) - generation,
                latenciesMs: answers.map((a) => round(a.ms, 2)),
                cpu,
              });
            }
          } finally {
            agent.destroy();
          }
        }
      } finally {
        await server.stop();
      }
    } finally {
      await redis.stop();
    }
    return summarize(ctx, rounds, lone, await signCost(ctx.alg));
  },
};

const LONE_REFRESHES = 20;

/** A chain of refreshes one at a time: what one refresh costs with nothing else going on. */
async function loneRefreshes(baseUrl: string, username: string): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    let { refreshToken } = await login(baseUrl, username);
    const latencies: number[] = [];
    for (let i = 0; i < LONE_REFRESHES; i++) {
      const answer = await send(agent, 'POST', baseUrl, 'auth.refresh', { refreshToken });
      if (answer.status !== 200) throw new Error(`lone refresh answered ${answer.status}`);
      refreshToken = (answer.data as TokenPair).refreshToken;
      latencies.push(round(answer.ms, 2));
    }
    return latencies;
  } finally {
    agent.destroy();
  }
}

/** In-process cost of signing one access token (each refresh signs one before rotating). */
async function signCost(alg: JwtAlgorithm): Promise<number> {
  const { keys } = await keyMaterial(alg);
  const tokens = new AccessTokens({ keys, ttlMs: 900_000, issuer: 'latch', audience: 'latch-api' });
  const ref = { userId: 'u', sessionId: 's' };
  for (let i = 0; i < 100; i++) await tokens.sign(ref, Date.now());
  const started = performance.now();
  for (let i = 0; i < 1000; i++) await tokens.sign(ref, Date.now());
  return round(performance.now() - started, 1); // ms per 1000 = µs per call
}

/** The session's refresh generation (its `rg` field, redis-scripts.ts): one more per rotation. */
async function refreshGeneration(client: Redis, sessionKey: string): Promise<number> {
  const generation = await client.hget(sessionKey, 'rg');
  if (generation === null) {
    throw new Error(
      `${sessionKey} has no rg field: the session is gone, or the store's layout changed`,
    );
  }
  return Number(generation);
}

/** One tRPC call over the given agent; resolves with status, data and wall time. */
function send(
  agent: Agent,
  method: 'GET' | 'POST',
  baseUrl: string,
  procedure: string,
  input?: unknown,
): Promise<{ status: number; data?: unknown; ms: number }> {
  const body = method === 'POST' ? JSON.stringify(input ?? null) : '';
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      `${baseUrl}/trpc/${procedure}`,
      {
        agent,
        method,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        timeout: REQUEST_TIMEOUT_MS,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          const ms = performance.now() - started;
          try {
            const parsed = JSON.parse(text) as { result?: { data?: unknown } };
            resolve({ status: res.statusCode ?? 0, data: parsed.result?.data, ms });
          } catch (error) {
            reject(error);
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${procedure} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

function summarize(
  ctx: BenchContext,
  rounds: Round[],
  lone: number[],
  signMicros: number,
): BenchOutcome {
  const rows: (string | number)[][] = [];
  const targets: TargetCheck[] = [];
  const computed: Record<string, unknown> = {};
  for (const concurrency of CONCURRENCY) {
    const mine = rounds.filter((r) => r.concurrency === concurrency);
    const latency = summary(mine.flatMap((r) => r.latenciesMs));
    const rotations = mine.map((r) => r.rotations);
    const distinct = mine.map((r) => r.distinctRefreshTokens);
    const ok = mine.reduce((n, r) => n + (r.statuses['200'] ?? 0), 0);
    const total = mine.length * concurrency;
    const pass = rotations.every((n) => n === 1) && distinct.every((n) => n === 1) && ok === total;
    const serverSeconds = mine.every((r) => r.cpu)
      ? mine.reduce((n, r) => n + r.cpu!.seconds.server, 0)
      : Number.NaN;
    const serverMsPerRefresh = (serverSeconds * 1000) / total;
    computed[concurrency] = {
      rounds: mine.length,
      rotationsPerRound: rotations,
      distinctRefreshTokensPerRound: distinct,
      ok,
      total,
      latencyMs: {
        p50: round(latency.p50, 1),
        p99: round(latency.p99, 1),
        max: round(latency.max, 1),
        mean: round(latency.mean, 1),
      },
      serverCpuMsPerRefresh: round(serverMsPerRefresh, 2),
    };
    targets.push({
      what: `${concurrency} concurrent refreshes: rotations per storm`,
      target: '1 (and every caller 200 with the same pair)',
      measured: `${rotations.join('/')} rotations, ${distinct.join('/')} distinct, ${ok}/${total} 200`,
      pass,
    });
    rows.push([
      concurrency,
      mine.length,
      rotations.join('/'),
      distinct.join('/'),
      `${ok}/${total}`,
      fmt(latency.p50, 1),
      fmt(latency.p99, 1),
      fmt(latency.max, 1),
      fmt(serverMsPerRefresh, 2),
      passMark(pass),
    ]);
  }
  const loneLatency = summary(lone);
  const biggest = CONCURRENCY.at(-1)!;
  const biggestMax = summary(
    rounds.filter((r) => r.concurrency === biggest).flatMap((r) => r.latenciesMs),
  ).max;
  computed.lone = {
    refreshes: lone.length,
    latencyMs: {
      p50: round(loneLatency.p50, 1),
      p99: round(loneLatency.p99, 1),
      max: round(loneLatency.max, 1),
    },
  };
  computed.serverMsPerRefreshUnderStorm = round(biggestMax / biggest, 2);
  computed.signMicrosPerAccessToken = signMicros;
  const notes = [
    `a lone refresh (chain of ${lone.length}, one at a time) takes p50 ${fmt(loneLatency.p50, 1)} ms; in the ${biggest}-storm the last answer comes after ${fmt(biggestMax)} ms (~${fmt(biggestMax / biggest, 2)} ms per refresh, served one after another by one event loop); every request signs its own access token before the atomic rotation decides which one wins (in-process ${ctx.alg} sign ≈ ${fmt(signMicros)} µs)`,
    'server CPU ms/refresh: CPU time of the server process during the storms ÷ refreshes (from /proc)',
    'each round: a fresh login, then N auth.refresh with its refresh token at once over N warm keep-alive sockets; rotations = how far the refresh generation of the session hash (its rg field) moved',
    'latency is per request from send to full answer, over all rounds of that size',
  ];
  return {
    settings: {
      concurrency: CONCURRENCY,
      rounds: ctx.quick ? QUICK_ROUNDS : ROUNDS,
      jwtAlg: ctx.alg,
    },
    raw: rounds,
    computed,
    targets,
    noise: noiseOf(rounds.map((r) => r.cpu)),
    table: {
      title: 'refresh-storm: concurrent refreshes of one refresh token',
      columns: [
        'concurrent',
        'rounds',
        'rotations',
        'distinct tokens',
        '200s',
        'p50 ms',
        'p99 ms',
        'max ms',
        'server CPU ms/refresh',
        'result',
      ],
      rows,
      notes,
    },
    notes,
  };
}
