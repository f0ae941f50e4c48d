import autocannon from 'autocannon';
import { type CpuShare, cpuShare, sampleCpu } from './cpu.js';
import { round } from './machine.js';
import type { Noise } from './report.js';

/** What one autocannon run measured: the raw numbers every result JSON keeps. */
export interface LoadStats {
  label: string;
  url: string;
  connections: number;
  durationSec: number;
  /** Requests per second, over autocannon's 1-second samples. */
  requests: { average: number; p50: number; min: number; max: number; total: number };
  /** Milliseconds (autocannon records whole milliseconds). */
  latency: { average: number; p50: number; p90: number; p99: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** Machine CPU during the run; `foreign` is what other processes took (the noise). */
  cpu: CpuShare | null;
}

export interface LoadOptions {
  label: string;
  url: string;
  durationSec: number;
  connections: number;
  headers?: Record<string, string>;
  method?: 'GET' | 'POST';
  body?: string;
  /** Called before every request; returns the headers to send (e.g. the next token of a pool). */
  nextHeaders?: () => Record<string, string>;
  /** Per-request timeout in seconds (autocannon's default is 10). */
  timeoutSec?: number;
  /** Stop after this many requests instead of after the duration. */
  amount?: number;
}

/** One autocannon run on loopback, bounded by its duration. */
export async function load(options: LoadOptions): Promise<LoadStats> {
  const { nextHeaders } = options;
  const request: autocannon.Request = {
    method: options.method ?? 'GET',
    ...(options.body !== undefined && { body: options.body }),
    ...(options.headers && { headers: options.headers }),
    ...(nextHeaders && {
      setupRequest: (req: autocannon.Request) => ({
        ...req,
        headers: { ...req.headers, ...nextHeaders() },
      }),
    }),
  };
  const before = sampleCpu();
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSec,
    timeout: options.timeoutSec ?? 10,
    ...(options.amount !== undefined && { amount: options.amount }),
    requests: [request],
  });
  const statusCodes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) {
    statusCodes[code] = stat.count ?? 0;
  }
  return {
    label: options.label,
    url: options.url,
    connections: options.connections,
    durationSec: options.durationSec,
    requests: {
      average: result.requests.average,
      p50: result.requests.p50,
      min: result.requests.min,
      max: result.requests.max,
      total: result.requests.total,
    },
    latency: {
      average: result.latency.average,
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    cpu: cpuShare(before, sampleCpu()),
  };
}

/** A short run whose numbers are thrown away: JIT, connection pools and caches warm up. */
export async function warmUp(options: Omit<LoadOptions, 'label'>, seconds: number): Promise<void> {
  if (seconds <= 0) return;
  await load({ ...options, label: 'warm-up', durationSec: seconds });
}

/** Throws when a run got answers other than 2xx: the numbers would measure errors, not work. */
export function assertClean(stats: LoadStats, allowedNon2xx = 0): LoadStats {
  if (stats.requests.total === 0) {
    throw new Error(`${stats.label}: no request completed (${stats.errors} errors)`);
  }
  if (stats.non2xx > allowedNon2xx || stats.errors > 0) {
    throw new Error(
      `${stats.label}: ${stats.non2xx} non-2xx and ${stats.errors} errors out of ` +
        `${stats.requests.total} (status codes ${JSON.stringify(stats.statusCodes)})`,
    );
  }
  return stats;
}

export interface LoadCase {
  key: string;
  options: Omit<LoadOptions, 'label' | 'durationSec' | 'connections'>;
}

/**
 * Runs every case once per round, in order, `rounds` times: A B C A B C … so slow drift of a
 * shared machine hits every case alike, and per-round ratios compare neighbours in time.
 */
export async function interleaved(
  cases: LoadCase[],
  settings: { rounds: number; durationSec: number; connections: number },
  log: (message: string) => void,
): Promise<Map<string, LoadStats[]>> {
  const out = new Map<string, LoadStats[]>(cases.map((c) => [c.key, []]));
  for (let round = 1; round <= settings.rounds; round++) {
    for (const c of cases) {
      log(`${c.key} (round ${round}/${settings.rounds})`);
      const stats = await load({
        ...c.options,
        label: `${c.key}, round ${round}`,
        durationSec: settings.durationSec,
        connections: settings.connections,
      });
      out.get(c.key)!.push(assertClean(stats));
    }
  }
  return out;
}

/**
 * Warms every case up, then measures them interleaved; the rounds come back under the names of
 * `labels` (`{ key: 'the table label' }`), whose labels are the cases' keys.
 */
export async function warmAndMeasure<K extends string>(
  labels: Record<K, string>,
  cases: LoadCase[],
  ctx: { rounds: number; durationSec: number; connections: number; warmupSec: number },
  log: (message: string) => void,
): Promise<Record<K, LoadStats[]>> {
  log('warming up');
  for (const c of cases) {
    await warmUp(
      { ...c.options, connections: ctx.connections, durationSec: ctx.warmupSec },
      ctx.warmupSec,
    );
  }
  const measured = await interleaved(cases, ctx, log);
  return Object.fromEntries(
    (Object.keys(labels) as K[]).map((k) => [k, measured.get(labels[k]) ?? []]),
  ) as Record<K, LoadStats[]>;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** One row from several rounds: median of each per-round figure, totals summed. */
export function combine(rounds: LoadStats[]): LoadStats {
  const first = rounds[0]!;
  const med = (pick: (s: LoadStats) => number) => median(rounds.map(pick));
  const sum = (pick: (s: LoadStats) => number) => rounds.reduce((n, s) => n + pick(s), 0);
  const statusCodes: Record<string, number> = {};
  for (const s of rounds) {
    for (const [code, n] of Object.entries(s.statusCodes))
      statusCodes[code] = (statusCodes[code] ?? 0) + n;
  }
  return {
    label: first.label.replace(/, round \d+$/, ''),
    url: first.url,
    connections: first.connections,
    durationSec: sum((s) => s.durationSec),
    requests: {
      average: med((s) => s.requests.average),
      p50: med((s) => s.requests.p50),
      min: Math.min(...rounds.map((s) => s.requests.min)),
      max: Math.max(...rounds.map((s) => s.requests.max)),
      total: sum((s) => s.requests.total),
    },
    latency: {
      average: med((s) => s.latency.average),
      p50: med((s) => s.latency.p50),
      p90: med((s) => s.latency.p90),
      p99: med((s) => s.latency.p99),
      max: Math.max(...rounds.map((s) => s.latency.max)),
    },
    non2xx: sum((s) => s.non2xx),
    errors: sum((s) => s.errors),
    timeouts: sum((s) => s.timeouts),
    statusCodes,
    cpu: combineCpu(rounds),
  };
}

function combineCpu(rounds: LoadStats[]): CpuShare | null {
  const shares = rounds.flatMap((s) => (s.cpu ? [s.cpu] : []));
  if (shares.length === 0) return null;
  const sum = (k: keyof CpuShare['seconds']) => shares.reduce((n, c) => n + c.seconds[k], 0);
  return {
    machineBusy: median(shares.map((c) => c.machineBusy)),
    foreign: Math.max(...shares.map((c) => c.foreign)),
    seconds: { bench: sum('bench'), redis: sum('redis'), server: sum('server') },
  };
}

/** CPU microseconds per completed request of the server(s), Redis and the load generator. */
export function cpuPerRequest(
  stats: LoadStats,
): { server: number; redis: number; bench: number } | null {
  if (!stats.cpu || stats.requests.total === 0) return null;
  // A tenth of a µs: a bare route costs ~11 µs on a fast machine, where whole µs would move
  // every ratio taken of it by up to 9 %.
  const per = (seconds: number) => round((seconds * 1e6) / stats.requests.total, 1);
  const { server, redis, bench } = stats.cpu.seconds;
  return { server: per(server), redis: per(redis), bench: per(bench) };
}

/** A table cell: CPU µs per request of one role, or n/a off Linux. */
export function cpuCell(stats: LoadStats, role: 'server' | 'redis' | 'bench'): string {
  const per = cpuPerRequest(stats);
  return per ? per[role].toFixed(1) : 'n/a';
}

/** How much CPU other processes took during these runs: median and worst (null off Linux). */
export function noiseOf(shares: (CpuShare | null)[]): Noise | null {
  const values = shares.flatMap((c) => (c ? [c.foreign] : []));
  if (values.length === 0) return null;
  return { medianForeignCpu: median(values), worstForeignCpu: Math.max(...values) };
}

/** Median over rounds of a[i].req/s ÷ b[i].req/s: each ratio compares runs made side by side. */
export function medianRatio(a: LoadStats[], b: LoadStats[]): number {
  return median(a.map((s, i) => s.requests.average / b[i]!.requests.average));
}
