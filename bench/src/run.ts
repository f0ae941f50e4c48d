/**
 * `pnpm bench [-- <name>...] [--quick] [--wait-quiet] [--duration <s>] [--rounds <n>] [--connections <n>] [--alg <alg>]`
 * Runs the benchmarks one after another, prints one table each and writes
 * bench/results/<name>.json. A missed target is reported, never an error; a crash exits 1.
 */
import { JWT_ALGORITHMS, type JwtAlgorithm } from '@latch/api';
import { authOverhead } from './benchmarks/auth-overhead.js';
import { introspection } from './benchmarks/introspection.js';
import { login } from './benchmarks/login.js';
import { peers } from './benchmarks/peers.js';
import { perCall } from './benchmarks/per-call.js';
import { refreshStorm } from './benchmarks/refresh-storm.js';
import { revokedScaling } from './benchmarks/revoked-scaling.js';
import { stopAll } from './lib/cleanup.js';
import type { BenchContext, Benchmark } from './lib/context.js';
import { waitForQuiet } from './lib/cpu.js';
import { loadAverages, machineInfo } from './lib/machine.js';
import {
  formatTable,
  NOISY,
  noiseNote,
  passMark,
  type ResultFile,
  type TargetCheck,
  writeResult,
} from './lib/report.js';

const benchmarks: Benchmark[] = [
  authOverhead,
  perCall,
  peers,
  introspection,
  revokedScaling,
  refreshStorm,
  login,
];
/** No benchmark may run longer than this, whatever happens. */
const BENCHMARK_TIMEOUT_MS = 15 * 60_000;

interface Args {
  names: string[];
  quick: boolean;
  /** Seconds to wait before each benchmark for other processes to calm down. */
  waitQuiet: number;
  duration?: number;
  rounds?: number;
  connections?: number;
  alg: JwtAlgorithm;
}

function usage(): string {
  return [
    'usage: pnpm bench [-- <name>...] [--quick] [--wait-quiet] [--duration <s>] [--rounds <n>] [--connections <n>] [--alg <alg>]',
    '',
    '  --quick        short runs (1 round of 2 s, smaller populations) while developing',
    '  --wait-quiet   before each benchmark wait up to 3 min for other processes to use < 10% CPU',
    `  --alg <alg>    what the Latch servers sign access tokens with: ${JWT_ALGORITHMS.join(', ')} (default EdDSA, as SPEC's;\n                 auth-overhead always compares EdDSA and HS256)`,
    '',
    ...benchmarks.map((b) => `  ${b.name.padEnd(16)} ${b.description}`),
  ].join('\n');
}

function parseArgs(argv: string[]): Args {
  const args: Args = { names: [], quick: false, waitQuiet: 0, alg: 'EdDSA' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') continue;
    if (arg === '--quick') args.quick = true;
    else if (arg === '--wait-quiet') args.waitQuiet = 180;
    else if (arg === '--alg') {
      const value = argv[++i];
      const alg = JWT_ALGORITHMS.find((known) => known === value);
      if (!alg) throw new UsageError(`--alg needs one of ${JWT_ALGORITHMS.join(', ')}`);
      args.alg = alg;
    } else if (arg === '--duration' || arg === '--rounds' || arg === '--connections') {
      const value = Number(argv[++i]);
      if (!Number.isInteger(value) || value < 1 || value > 1000) {
        throw new UsageError(`${arg} needs a whole number from 1 to 1000`);
      }
      if (arg === '--duration') args.duration = value;
      else if (arg === '--rounds') args.rounds = value;
      else args.connections = value;
    } else if (arg === '--help' || arg === '-h') {
      console.log(usage());
      process.exit(0);
    } else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    else if (!benchmarks.some((b) => b.name === arg))
      throw new UsageError(`unknown benchmark ${arg}`);
    else args.names.push(arg);
  }
  return args;
}

class UsageError extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function main(): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`bench: ${error.message}\n\n${usage()}`);
    return 2;
  }
  const selected = args.names.length
    ? benchmarks.filter((b) => args.names.includes(b.name))
    : benchmarks;
  const machine = machineInfo();
  const ctx: BenchContext = {
    quick: args.quick,
    durationSec: args.duration ?? (args.quick ? 2 : 3),
    rounds: args.rounds ?? (args.quick ? 1 : 3),
    warmupSec: args.quick ? 1 : 2,
    connections: args.connections ?? 10,
    alg: args.alg,
    machine,
    log: (message) => console.log(`  ${message}`),
  };
  console.log(
    `latch bench${args.quick ? ' (quick)' : ''}: ${selected.map((b) => b.name).join(', ')}\n` +
      `machine: ${machine.cpuCount} × ${machine.cpuModel}, ${machine.totalMemMiB} MiB, node ${machine.node}; ` +
      `load average ${loadAverages().join(' ')}\n` +
      `runs: ${ctx.rounds} interleaved round(s) of ${ctx.durationSec} s per case after ${ctx.warmupSec} s warm-up, ` +
      `${ctx.connections} connections\n`,
  );

  const printed: string[] = [];
  const targets: (TargetCheck & { benchmark: string })[] = [];
  const failures: string[] = [];
  for (const benchmark of selected) {
    console.log(`▶ ${benchmark.name}`);
    if (args.waitQuiet > 0) await waitForQuiet(args.waitQuiet, NOISY, ctx.log);
    const started = Date.now();
    const before = loadAverages();
    try {
      const outcome = await withTimeout(benchmark.run(ctx), BENCHMARK_TIMEOUT_MS, benchmark.name);
      const result: ResultFile = {
        name: benchmark.name,
        timestamp: new Date(started).toISOString(),
        quick: args.quick,
        wallSeconds: Math.round((Date.now() - started) / 1000),
        machine: { ...machine },
        loadAverage: { before, after: loadAverages() },
        ...outcome,
      };
      const file = writeResult(result);
      for (const target of outcome.targets) targets.push({ benchmark: benchmark.name, ...target });
      outcome.table.notes.push(noiseNote(outcome.noise));
      const table = formatTable(outcome.table);
      printed.push(table);
      console.log(`\n${table}\n\n  wrote ${file} (${result.wallSeconds} s)\n`);
    } catch (error) {
      failures.push(benchmark.name);
      console.error(`✖ ${benchmark.name} crashed:`, error);
    } finally {
      await stopAll();
    }
  }

  console.log(
    `\n## Latch benchmarks${args.quick ? ' (quick mode: short runs, not for publishing)' : ''}\n`,
  );
  console.log(
    `${machine.cpuCount} × ${machine.cpuModel}, ${machine.totalMemMiB} MiB RAM, node ${machine.node}, ` +
      `redis ${machine.redis ?? 'n/a'}; ${ctx.rounds} × ${ctx.durationSec} s per case, ` +
      `${ctx.connections} connections, loopback\n`,
  );
  console.log(printed.join('\n\n'));
  if (targets.length > 0) {
    const table = formatTable({
      title: 'targets (informational: a miss does not fail the run)',
      columns: ['benchmark', 'check', 'target', 'measured', 'result'],
      rows: targets.map((t) => [t.benchmark, t.what, t.target, t.measured, passMark(t.pass)]),
      notes: [],
    });
    console.log(`\n${table}`);
  }
  if (failures.length > 0) {
    console.error(`\nbench: crashed: ${failures.join(', ')}`);
    return 1;
  }
  return 0;
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    console.error(`\nbench: ${signal}: stopping servers`);
    void stopAll().finally(() => process.exit(130));
  });
}

main().then(
  async (code) => {
    await stopAll();
    process.exit(code);
  },
  async (error: unknown) => {
    console.error('bench:', error);
    await stopAll();
    process.exit(1);
  },
);
