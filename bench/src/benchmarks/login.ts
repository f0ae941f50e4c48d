import { availableParallelism } from 'node:os';
import { defaultPasswordHashOptions, PasswordHasher } from '@latch/api';
import type { BenchContext, Benchmark } from '../lib/context.js';
import { assertClean, type LoadStats, load, noiseOf, warmUp } from '../lib/load.js';
import { round } from '../lib/machine.js';
import { type BenchOutcome, fmt } from '../lib/report.js';
import { keyMaterial, startPrivateRedis, startServer } from '../lib/stack.js';
import { BENCH_PASSWORD, register } from '../lib/trpc.js';

/** 1: one login's latency unloaded; 4: libuv's default thread pool, where argon2 runs, is full. */
const CONNECTIONS = [1, 4];
const HASH_SAMPLES = 10;

export const login: Benchmark = {
  name: 'login',
  description: 'auth.login per second with argon2id at the chosen cost',
  async run(ctx) {
    const redis = await startPrivateRedis();
    ctx.machine.redis = redis.version;
    const runs: LoadStats[] = [];
    try {
      const server = await startServer(redis, await keyMaterial(ctx.alg));
      try {
        const user = await register(server.url, 'bench_login');
        const body = JSON.stringify({ username: user.user.username, password: BENCH_PASSWORD });
        const base = {
          url: `${server.url}/trpc/auth.login`,
          method: 'POST' as const,
          headers: { 'content-type': 'application/json' },
          body,
        };
        await warmUp({ ...base, connections: 4, durationSec: ctx.warmupSec }, ctx.warmupSec);
        for (const connections of CONNECTIONS) {
          ctx.log(`auth.login, ${connections} connection(s)`);
          runs.push(
            assertClean(
              await load({
                ...base,
                label: `auth.login, ${connections} connection(s)`,
                connections,
                durationSec: ctx.durationSec,
              }),
            ),
          );
        }
      } finally {
        await server.stop();
      }
    } finally {
      await redis.stop();
    }
    const hashMs = await hashCost();
    return summarize(ctx, runs, hashMs);
  },
};

/** In-process argon2id cost at the server's options: what one login (one verify) spends. */
async function hashCost(): Promise<{ hashMs: number; verifyMs: number }> {
  const hasher = new PasswordHasher(defaultPasswordHashOptions);
  const stored = await hasher.hash(BENCH_PASSWORD);
  const time = async (fn: () => Promise<unknown>) => {
    const samples: number[] = [];
    for (let i = 0; i < HASH_SAMPLES; i++) {
      const started = performance.now();
      await fn();
      samples.push(performance.now() - started);
    }
    samples.sort((a, b) => a - b);
    return round(samples[Math.floor(samples.length / 2)]!, 1);
  };
  return {
    hashMs: await time(() => hasher.hash(BENCH_PASSWORD)),
    verifyMs: await time(() => hasher.verify(stored, BENCH_PASSWORD)),
  };
}

function summarize(
  ctx: BenchContext,
  runs: LoadStats[],
  cost: { hashMs: number; verifyMs: number },
): BenchOutcome {
  const { memoryCost, timeCost, parallelism } = defaultPasswordHashOptions;
  const memoryMiB = round(memoryCost / 1024, 1);
  const peak = runs.reduce((best, r) => Math.max(best, r.requests.average), 0);
  const rationale =
    `argon2id m=${memoryMiB} MiB, t=${timeCost}, p=${parallelism} is OWASP's first recommended ` +
    `argon2id profile: memory-hard, so each guess costs an attacker ${memoryMiB} MiB of memory ` +
    `bandwidth as well as time. Here one verify takes ~${fmt(cost.verifyMs)} ms in-process, and ` +
    `the server sustains ~${fmt(peak)} logins/s on ${availableParallelism()} cores (it peaks at ` +
    `libuv's 4 pool threads × ${memoryMiB} MiB ≈ ${fmt(memoryMiB * 4)} MiB of hashing memory). ` +
    'Logins are rare — once per session; token checks and refreshes never hash — so this is far ' +
    'above need while an offline attacker with a stolen hash pays the same per guess, and online ' +
    'guessing is capped by LOGIN_RATE_LIMIT (default 5 failures per 15 min per ip+username).';
  const rows = runs.map((r) => [
    r.connections,
    fmt(r.requests.average, 1),
    fmt(r.requests.p50),
    fmt(r.latency.p50),
    fmt(r.latency.p99),
  ]);
  const notes = [
    `in-process @node-rs/argon2: hash ${fmt(cost.hashMs, 1)} ms, verify ${fmt(cost.verifyMs, 1)} ms (median of ${HASH_SAMPLES})`,
    `rationale: ${rationale}`,
  ];
  return {
    settings: {
      durationSec: ctx.durationSec,
      warmupSec: ctx.warmupSec,
      connections: CONNECTIONS,
      argon2: { ...defaultPasswordHashOptions, algorithm: 'argon2id', memoryMiB },
      jwtAlg: ctx.alg,
    },
    raw: { runs, inProcess: cost },
    computed: { loginsPerSecond: round(peak, 1), rationale },
    targets: [],
    noise: noiseOf(runs.map((r) => r.cpu)),
    table: {
      title: `login: auth.login with argon2id (m=${memoryMiB} MiB, t=${timeCost}, p=${parallelism})`,
      columns: ['connections', 'logins/s avg', 'logins/s p50', 'p50 ms', 'p99 ms'],
      rows,
      notes,
    },
    notes,
  };
}
