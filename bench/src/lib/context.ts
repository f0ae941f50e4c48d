import type { JwtAlgorithm } from '@latch/api';
import type { MachineInfo } from './machine.js';
import type { BenchOutcome } from './report.js';

export interface BenchContext {
  quick: boolean;
  /** Seconds of each measured autocannon run. */
  durationSec: number;
  /** Interleaved rounds of the cases compared with each other. */
  rounds: number;
  /** Seconds of the discarded run before measuring an endpoint. */
  warmupSec: number;
  /** Concurrent keep-alive connections of each throughput run. */
  connections: number;
  /** What the Latch servers sign access tokens with (auth-overhead compares EdDSA and HS256 itself). */
  alg: JwtAlgorithm;
  machine: MachineInfo;
  log(message: string): void;
}

export interface Benchmark {
  name: string;
  description: string;
  run(ctx: BenchContext): Promise<BenchOutcome>;
}
