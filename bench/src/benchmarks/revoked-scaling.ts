import type { BenchContext, Benchmark } from '../lib/context.js';
import {
  assertClean,
  combine,
  cpuCell,
  interleaved,
  type LoadStats,
  load,
  medianRatio,
  noiseOf,
  warmUp,
} from '../lib/load.js';
import { round } from '../lib/machine.js';
import { populateLatch, populateTutorial, redisMemory } from '../lib/populate.js';
import { type BenchOutcome, fmt, passMark } from '../lib/report.js';
import {
  keyMaterial,
  REDIS_MAXMEMORY,
  startPrivateRedis,
  startServer,
  startTutorialServer,
} from '../lib/stack.js';
import { callOk, register } from '../lib/trpc.js';

const TARGET_RATIO = 0.95;
const LEVELS = [0, 10_000, 100_000, 1_000_000];
const QUICK_LEVELS = [0, 10_000, 100_000];
/** The tutorial's scan gets slower with every key; 1M would take minutes per request batch. */
const TUTORIAL_LEVELS = [0, 10_000, 100_000];
const QUICK_TUTORIAL_LEVELS = [0, 10_000];

interface Level {
  deadSessions: number;
  redisKeys: number;
  redisMemoryMiB: number;
  populateSeconds: number;
  /** Every measured run at this level (one per round). */
  runs: LoadStats[];
  /** The control server's runs, interleaved with `runs` (Latch only). */
  control?: LoadStats[];
}

export const revokedScaling: Benchmark = {
  name: 'revoked-scaling',
  description: 'auth.me with 0 … 1M revoked/expired sessions in Redis, vs the tutorial’s KEYS scan',
  async run(ctx) {
    const latch = await measureLatch(ctx, ctx.quick ? QUICK_LEVELS : LEVELS);
    const tutorial = await measureTutorial(
      ctx,
      ctx.quick ? QUICK_TUTORIAL_LEVELS : TUTORIAL_LEVELS,
    );
    return summarize(ctx, latch, tutorial);
  },
};

/**
 * Two identical servers, each on its own private Redis: `populated` gets the dead sessions,
 * `control` stays empty. At every level they are measured in alternation, so the machine's drift
 * hits both alike; level 0 (both empty) shows how far apart two identical servers measure.
 */
async function measureLatch(ctx: BenchContext, levels: number[]): Promise<Level[]> {
  const populatedRedis = await startPrivateRedis();
  ctx.machine.redis = populatedRedis.version;
  const controlRedis = await startPrivateRedis();
  const key = await keyMaterial(ctx.alg);
  const populated = await startServer(populatedRedis, key);
  const control = await startServer(controlRedis, key);
  try {
    const target = async (url: string) => {
      const { accessToken } = await register(url, 'bench_scaling');
      await callOk(url, 'auth.me', { token: accessToken });
      return { url: `${url}/trpc/auth.me`, headers: { authorization: `Bearer ${accessToken}` } };
    };
    const cases = [
      { key: 'populated', options: await target(populated.url) },
      { key: 'control', options: await target(control.url) },
    ];
    const measured: Level[] = [];
    let present = 0;
    for (const deadSessions of levels) {
      const started = performance.now();
      if (deadSessions > present) {
        ctx.log(`latch: adding ${(deadSessions - present).toLocaleString('en-US')} dead sessions`);
        await populateLatch(populatedRedis.client, present, deadSessions);
        present = deadSessions;
      }
      const populateSeconds = round((performance.now() - started) / 1000, 1);
      const memory = await redisMemory(populatedRedis.client);
      ctx.log(`latch: ${memory.keys.toLocaleString('en-US')} keys, ${memory.usedMemoryMiB} MiB`);
      for (const c of cases) {
        await warmUp(
          { ...c.options, connections: ctx.connections, durationSec: ctx.warmupSec },
          ctx.warmupSec,
        );
      }
      const runs = await interleaved(cases, ctx, (message) =>
        ctx.log(`latch, ${deadSessions.toLocaleString('en-US')} dead: auth.me on ${message}`),
      );
      measured.push({
        deadSessions,
        redisKeys: memory.keys,
        redisMemoryMiB: memory.usedMemoryMiB,
        populateSeconds,
        runs: runs.get('populated')!,
        control: runs.get('control')!,
      });
    }
    return measured;
  } finally {
    await control.stop();
    await populated.stop();
    await controlRedis.stop();
    await populatedRedis.stop();
  }
}

async function measureTutorial(ctx: BenchContext, levels: number[]): Promise<Level[]> {
  const redis = await startPrivateRedis();
  try {
    await redis.client.set('tokenbench-user', 'bench-secret', 'PX', 3_600_000);
    const server = await startTutorialServer(redis.server.url);
    try {
      const base = {
        url: `${server.url}/me`,
        headers: { authorization: 'Bearer bench-user.bench-secret' },
        connections: ctx.connections,
        timeoutSec: 60,
      };
      const measured: Level[] = [];
      let present = 0;
      for (const deadSessions of levels) {
        const started = performance.now();
        if (deadSessions > present) {
          ctx.log(
            `tutorial: adding ${(deadSessions - present).toLocaleString('en-US')} token keys`,
          );
          await populateTutorial(redis.client, present, deadSessions);
          present = deadSessions;
        }
        const populateSeconds = round((performance.now() - started) / 1000, 1);
        const memory = await redisMemory(redis.client);
        await warmUp({ ...base, durationSec: ctx.warmupSec }, ctx.warmupSec);
        ctx.log(`tutorial: KEYS token* check, ${deadSessions.toLocaleString('en-US')} dead tokens`);
        const label = `tutorial, ${deadSessions} dead tokens`;
        // As long as all rounds of one Latch level together; no control needed for this effect.
        const durationSec = ctx.durationSec * ctx.rounds;
        const stats = assertClean(await load({ ...base, label, durationSec }));
        measured.push({
          deadSessions,
          redisKeys: memory.keys,
          redisMemoryMiB: memory.usedMemoryMiB,
          populateSeconds,
          runs: [stats],
        });
      }
      return measured;
    } finally {
      await server.stop();
    }
  } finally {
    await redis.stop();
  }
}

function summarize(ctx: BenchContext, latch: Level[], tutorial: Level[]): BenchOutcome {
  // Populated ÷ control per round (median), then relative to the same ratio with both empty.
  const sideBySide = latch.map((l) => medianRatio(l.runs, l.control!));
  const aa = sideBySide[0]!;
  const latchRatios = sideBySide.map((r) => r / aa);
  const tutorialEmpty = combine(tutorial[0]!.runs).requests.average;
  const tutorialRatios = tutorial.map((l) => combine(l.runs).requests.average / tutorialEmpty);
  const biggest = latch.at(-1)!;
  const biggestRatio = latchRatios.at(-1)!;

  const rows: (string | number)[][] = [];
  const row = (design: string, level: Level, control: string, ratio: string) => {
    const s = combine(level.runs);
    return [
      design,
      level.deadSessions.toLocaleString('en-US'),
      level.redisKeys.toLocaleString('en-US'),
      level.redisMemoryMiB,
      fmt(s.requests.average),
      fmt(s.requests.p50),
      fmt(s.latency.p50),
      fmt(s.latency.p99),
      cpuCell(s, 'redis'),
      control,
      ratio,
    ];
  };
  latch.forEach((level, i) => {
    const ratio = latchRatios[i]!;
    const mark = level === biggest && i > 0 ? ` ${passMark(ratio >= TARGET_RATIO)}` : '';
    const control = fmt(combine(level.control!).requests.average);
    rows.push(row('latch auth.me', level, control, `${fmt(ratio, 3)}${mark}`));
  });
  tutorial.forEach((level, i) => {
    rows.push(row('tutorial KEYS token*', level, '-', fmt(tutorialRatios[i]!, 3)));
  });

  const compareAt = tutorial.at(-1)!;
  const latchSame = latch.find((l) => l.deadSessions === compareAt.deadSessions);
  const t = combine(compareAt.runs);
  const l = latchSame && combine(latchSame.runs);
  const comparison = l
    ? `At ${compareAt.deadSessions.toLocaleString('en-US')} dead sessions Latch serves ${fmt(l.requests.average)} auth.me/s (p99 ${fmt(l.latency.p99)} ms, ${percent(latchRatios[latch.indexOf(latchSame)]!)} of empty); the tutorial's KEYS token* check serves ${fmt(t.requests.average, 1)}/s (p99 ${fmt(t.latency.p99)} ms, ${percent(tutorialRatios.at(-1)!)} of its empty case): Latch serves ${fmt(l.requests.average / t.requests.average)}× more, and the gap grows with every key.`
    : 'no common level to compare';
  const notes = [
    `latch: two identical server processes on two private Redis servers, one filled with dead sessions, one left empty (control), measured alternately (${ctx.rounds} round(s) of ${ctx.durationSec} s each per level); vs empty = median(populated ÷ control) at that level ÷ the same at 0 (both empty: ${fmt(aa, 3)}); target >= ${TARGET_RATIO} at ${biggest.deadSessions.toLocaleString('en-US')}`,
    'redis µs/req: redis-server CPU time per completed auth.me (from /proc): the store-side cost of one check, less noisy than req/s',
    'dead sessions: half revoked (tombstones P{user}:t:<sid>, TTL 10–16 min), half idle session hashes (P{user}:s:<sid>, TTL 10–30 min, listed in P{user}:u), 4 per user; each a clone (DUMP/RESTORE, by Lua in batches of 2 000) of a key RedisSessionStore wrote itself: a browser session whose refresh token rotated once, and a revoked session’s tombstone',
    `tutorial: its own process (node:http + ioredis), per request KEYS token* then GET of the matching key; one ${ctx.durationSec * ctx.rounds} s run per level; ${tutorial.map((x) => x.deadSessions.toLocaleString('en-US')).join(' / ')} only (1M would take too long)`,
    comparison,
  ];
  return {
    settings: {
      connections: ctx.connections,
      durationSec: ctx.durationSec,
      rounds: ctx.rounds,
      warmupSec: ctx.warmupSec,
      jwtAlg: ctx.alg,
      latchLevels: latch.map((x) => x.deadSessions),
      tutorialLevels: tutorial.map((x) => x.deadSessions),
      redisMaxmemory: REDIS_MAXMEMORY,
    },
    raw: { latch, tutorial },
    computed: {
      populatedOverControlAtEmpty: round(aa, 3),
      latchRatios: Object.fromEntries(
        latch.map((x, i) => [x.deadSessions, round(latchRatios[i]!, 3)]),
      ),
      latchRatiosSameServer: Object.fromEntries(
        latch.map((x) => [
          x.deadSessions,
          round(combine(x.runs).requests.average / combine(latch[0]!.runs).requests.average, 3),
        ]),
      ),
      tutorialRatios: Object.fromEntries(
        tutorial.map((x, i) => [x.deadSessions, round(tutorialRatios[i]!, 4)]),
      ),
      combined: {
        latch: latch.map((x) => ({
          deadSessions: x.deadSessions,
          populated: combine(x.runs),
          control: combine(x.control!),
        })),
        tutorial: tutorial.map((x) => ({ deadSessions: x.deadSessions, stats: combine(x.runs) })),
      },
      comparison,
    },
    targets: [
      {
        what: `auth.me at ${biggest.deadSessions.toLocaleString('en-US')} dead sessions / empty (req/s)`,
        target: `>= ${TARGET_RATIO}`,
        measured: fmt(biggestRatio, 3),
        pass: biggestRatio >= TARGET_RATIO,
      },
    ],
    noise: noiseOf(
      [
        ...latch.flatMap((x) => [...x.runs, ...(x.control ?? [])]),
        ...tutorial.flatMap((x) => x.runs),
      ].map((x) => x.cpu),
    ),
    table: {
      title: 'revoked-scaling: auth.me with revoked/expired sessions in Redis',
      columns: [
        'design',
        'dead sessions',
        'redis keys',
        'redis MiB',
        'req/s avg',
        'req/s p50',
        'p50 ms',
        'p99 ms',
        'redis µs/req',
        'control req/s',
        'vs empty',
      ],
      rows,
      notes,
    },
    notes,
  };
}

/** 92.4%, or 0.039% for small shares. */
function percent(ratio: number): string {
  const value = ratio * 100;
  return `${value >= 1 ? value.toFixed(1) : value.toPrecision(2)}%`;
}
