import type { BenchContext, Benchmark } from '../lib/context.js';
import {
  combine,
  cpuCell,
  cpuPerRequest,
  type LoadStats,
  noiseOf,
  warmAndMeasure,
} from '../lib/load.js';
import { round } from '../lib/machine.js';
import {
  type BenchOutcome,
  fmt,
  LOAD_COLUMNS,
  passMark,
  roundsNote,
  type TargetCheck,
} from '../lib/report.js';
import { keyMaterial, startBareFastify, startPrivateRedis, startServer } from '../lib/stack.js';
import { callOk, register } from '../lib/trpc.js';

/** Server CPU per request, as a multiple of a bare Fastify route's, that Latch must stay within. */
const TARGETS = { ping: 2, me: 4 } as const;

const CASES = {
  bare: 'bare Fastify route',
  caller: 'tRPC createCaller in a route',
  official: 'tRPC, official adapter',
  thin: 'tRPC, trpc-fastify',
  ping: 'Latch system.ping',
  me: 'Latch auth.me',
} as const;
type Case = keyof typeof CASES;
const FLOORS = {
  bare: 'route',
  caller: 'trpc-caller',
  official: 'trpc-official',
  thin: 'trpc-thin',
} as const;

/**
 * What one call costs the server: Latch's public `system.ping` and authenticated `auth.me` next to
 * a bare Fastify route returning `{pong:true}` (baseline/bare-fastify.ts), each in its own
 * process, interleaved round by round. The figure that matters is server CPU µs per request
 * (from /proc), which a shared machine's noise moves far less than req/s.
 */
export const perCall: Benchmark = {
  name: 'per-call',
  description: 'server CPU per call: system.ping and auth.me vs a bare Fastify route',
  async run(ctx) {
    const redis = await startPrivateRedis();
    ctx.machine.redis = redis.version;
    const key = await keyMaterial(ctx.alg);
    const floorKeys = Object.keys(FLOORS) as (keyof typeof FLOORS)[];
    const [latch, ...floors] = await Promise.all([
      startServer(redis, key),
      ...floorKeys.map((k) => startBareFastify(FLOORS[k])),
    ]);
    try {
      const session = await register(latch.url, 'bench_per_call');
      await callOk(latch.url, 'auth.me', { token: session.accessToken });
      const bearer = { authorization: `Bearer ${session.accessToken}` };
      const floorCases = floorKeys.map((k, i) => ({
        key: CASES[k],
        options: { url: `${floors[i]!.url}/trpc/ping` },
      }));
      // The bare route runs right before the Latch rows in each round, so each round's own
      // ratios compare neighbours in time (the table keeps CASES' order).
      const cases = [
        ...floorCases.filter((c) => c.key !== CASES.bare),
        ...floorCases.filter((c) => c.key === CASES.bare),
        { key: CASES.ping, options: { url: `${latch.url}/trpc/system.ping` } },
        { key: CASES.me, options: { url: `${latch.url}/trpc/auth.me`, headers: bearer } },
      ];
      const rounds = await warmAndMeasure(CASES, cases, ctx, ctx.log);
      return summarize(ctx, rounds);
    } finally {
      await Promise.all([latch.stop(), ...floors.map((f) => f.stop())]);
      await redis.stop();
    }
  },
};

function summarize(
  ctx: BenchContext,
  rounds: Record<keyof typeof CASES, LoadStats[]>,
): BenchOutcome {
  const serverMicros = (list: LoadStats[]) => cpuPerRequest(combine(list))?.server ?? Number.NaN;
  const floor = serverMicros(rounds.bare);
  const ratio = (key: Case) => serverMicros(rounds[key]) / floor;
  const ratios = { ping: ratio('ping'), me: ratio('me') };
  // Latch's own cost on top of the floor it is served by: the part Latch's code decides.
  const overThin = (key: Case) => serverMicros(rounds[key]) - serverMicros(rounds.thin);
  // Each round's own ratio (a round runs the bare route, then ping, then me): a change of the
  // host's speed between rounds (see the notes) shows up here instead of being pooled above.
  const perRound = (key: 'ping' | 'me') =>
    rounds[key].map((stats, i) => {
      const bare = rounds.bare[i];
      return bare ? round(serverMicros([stats]) / serverMicros([bare]), 2) : Number.NaN;
    });
  const listed = (values: number[]) => values.map((value) => fmt(value, 2)).join(' / ');
  const targets: TargetCheck[] = (['ping', 'me'] as const).map((key) => ({
    what: `${CASES[key]}: server CPU per request ÷ bare Fastify's`,
    target: `<= ${TARGETS[key]}`,
    measured: fmt(ratios[key], 2),
    pass: ratios[key] <= TARGETS[key],
  }));
  const row = (key: Case) => {
    const s = combine(rounds[key]);
    const cell =
      key === 'ping' || key === 'me'
        ? `${fmt(ratios[key], 2)} ${passMark(ratios[key] <= TARGETS[key])}`
        : fmt(ratio(key), 2);
    return [
      CASES[key],
      fmt(s.requests.average),
      fmt(s.latency.p50),
      fmt(s.latency.p99),
      cpuCell(s, 'server'),
      cpuCell(s, 'redis'),
      cell,
      key === 'ping' || key === 'me' ? fmt(overThin(key), 1) : '',
    ];
  };
  const notes = [
    `${roundsNote(ctx.rounds, ctx)}; "× bare" = this row's server µs/req ÷ the bare row's (targets: system.ping <= ${TARGETS.ping}, auth.me <= ${TARGETS.me})`,
    'server µs/req: CPU time (user + system, from /proc) of the server process per completed request; redis µs/req likewise for redis-server',
    "the first four rows are floors, each its own process answering {pong:true} with no hooks and no logger: a plain route; a one-procedure tRPC router called through createCaller inside a route (tRPC without an HTTP adapter); the same router through tRPC's fastifyTRPCPlugin; and through packages/trpc-fastify, as Latch serves it",
    'Latch runs its whole HTTP stack (security headers, cache-control, the refresh-cookie parser, request logger, error-mapping middleware) on top of its floor row, "tRPC, trpc-fastify"; "µs over floor" = this row\'s server µs/req − that row\'s',
    "the host's speed moves with no other process busy: on machines of the CI kind the bare route took 22–23 µs in some runs and 41–48 µs in others (11 µs on a fourth), and on one its user and system time both doubled from one round to the next (bench/profiles/README.md, fifth and sixth passes) — a ratio is only meaningful between rows measured at the same speed, hence the per-round ratios below",
    `× bare within each round (the bare route runs right before the Latch rows): system.ping ${listed(perRound('ping'))}; auth.me ${listed(perRound('me'))}`,
  ];
  return {
    settings: {
      connections: ctx.connections,
      durationSec: ctx.durationSec,
      rounds: ctx.rounds,
      warmupSec: ctx.warmupSec,
      latch: `startLatchProcess (apps/server/dist/main.mjs, NODE_ENV=test), ${ctx.alg}, LOG_LEVEL=warn, private redis-server`,
      floors:
        'bench/src/baseline/bare-fastify.ts (FLOOR=route|trpc-caller|trpc-official|trpc-thin): Fastify 5, logger off',
    },
    raw: rounds,
    computed: {
      serverMicrosPerRequest: Object.fromEntries(
        (Object.keys(CASES) as Case[]).map((k) => [k, serverMicros(rounds[k])]),
      ),
      ratioToBare: { ping: round(ratios.ping, 3), me: round(ratios.me, 3) },
      ratioToBarePerRound: { ping: perRound('ping'), me: perRound('me') },
      microsOverTrpcFastifyFloor: {
        ping: round(overThin('ping'), 1),
        me: round(overThin('me'), 1),
      },
    },
    targets,
    noise: noiseOf(Object.values(rounds).flatMap((list) => list.map((s) => s.cpu))),
    table: {
      title: 'per-call: server CPU of a call vs a bare Fastify route',
      columns: [...LOAD_COLUMNS, '× bare', 'µs over floor'],
      rows: (Object.keys(CASES) as Case[]).map(row),
      notes,
    },
    notes,
  };
}
