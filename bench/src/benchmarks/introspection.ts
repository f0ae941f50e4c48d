import type { BenchContext, Benchmark } from '../lib/context.js';
import { combine, cpuCell, interleaved, type LoadStats, noiseOf, warmUp } from '../lib/load.js';
import { round } from '../lib/machine.js';
import { type BenchOutcome, fmt, roundsNote } from '../lib/report.js';
import { keyMaterial, startPrivateRedis, startServer } from '../lib/stack.js';
import { callOk, register } from '../lib/trpc.js';

const CLIENT = { id: 'bench', secret: 'bench-introspection-secret-0123456789' };

const CASES = {
  me: 'auth.me (the session checked and slid)',
  introspect: 'POST /oauth/introspect (the session read, not slid)',
} as const;

/**
 * What another service pays to learn that a token's session is alive: RFC 7662 introspection
 * against the same check done by `auth.me`, one token, interleaved rounds on one server.
 */
export const introspection: Benchmark = {
  name: 'introspection',
  description: 'POST /oauth/introspect vs auth.me, same server, same token, same run',
  async run(ctx) {
    const redis = await startPrivateRedis();
    ctx.machine.redis = redis.version;
    const server = await startServer(redis, await keyMaterial(ctx.alg), {
      INTROSPECTION_CLIENTS: `${CLIENT.id}:${CLIENT.secret}`,
    });
    try {
      const session = await register(server.url, 'bench_introspect');
      await callOk(server.url, 'auth.me', { token: session.accessToken });
      const meUrl = `${server.url}/trpc/auth.me`;
      const introspectUrl = `${server.url}/oauth/introspect`;
      const me = { url: meUrl, headers: { authorization: `Bearer ${session.accessToken}` } };
      const introspect = {
        url: introspectUrl,
        method: 'POST' as const,
        body: new URLSearchParams({ token: session.accessToken }).toString(),
        headers: {
          authorization: `Basic ${Buffer.from(`${CLIENT.id}:${CLIENT.secret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
      };
      const warm = { connections: ctx.connections, durationSec: ctx.warmupSec };
      await warmUp({ ...warm, ...me }, ctx.warmupSec);
      await warmUp({ ...warm, ...introspect }, ctx.warmupSec);
      const measured = await interleaved(
        [
          { key: CASES.me, options: me },
          { key: CASES.introspect, options: introspect },
        ],
        ctx,
        ctx.log,
      );
      return summarize(ctx, measured.get(CASES.me)!, measured.get(CASES.introspect)!);
    } finally {
      await server.stop();
      await redis.stop();
    }
  },
};

function summarize(
  { rounds, alg }: BenchContext,
  me: LoadStats[],
  introspect: LoadStats[],
): BenchOutcome {
  const reqPerSec = (list: LoadStats[]) => combine(list).requests.average;
  const ratio = reqPerSec(introspect) / reqPerSec(me);
  const row = (label: string, list: LoadStats[], value: string) => {
    const s = combine(list);
    return [
      label,
      fmt(s.requests.average),
      fmt(s.latency.p50),
      fmt(s.latency.p99),
      cpuCell(s, 'server'),
      cpuCell(s, 'redis'),
      value,
    ];
  };
  const notes = [
    `${roundsNote(rounds)}; "vs auth.me" = this row's req/s ÷ auth.me's req/s`,
    'introspection verifies the token and reads its session in one Redis script (peek), without sliding it; auth.me does the same check and slides the session',
  ];
  return {
    settings: { rounds, client: CLIENT.id, jwtAlg: alg },
    raw: { me, introspect },
    computed: { ratio: round(ratio, 3) },
    targets: [],
    noise: noiseOf([...me, ...introspect].map((x) => x.cpu)),
    table: {
      title: 'introspection: what another service pays to ask about a token',
      columns: ['case', 'req/s', 'p50 ms', 'p99 ms', 'server µs/req', 'redis µs/req', 'vs auth.me'],
      rows: [row(CASES.me, me, '1.00'), row(CASES.introspect, introspect, fmt(ratio, 2))],
      notes,
    },
    notes,
  };
}
