import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/**
 * Who used the machine's CPU while a run lasted: this benchmark process, the Redis and server
 * processes it started, and everything else (other users of a shared machine: the noise).
 * Linux /proc only; elsewhere every figure is null.
 */
export interface CpuSample {
  at: number;
  total: number;
  busy: number;
  bench: number;
  redis: number;
  server: number;
}

export interface CpuShare {
  /** Fraction of all cores' time that was busy. */
  machineBusy: number;
  /** Fraction of all cores' time used by other processes (0.5 on 2 cores = one core). */
  foreign: number;
  /** CPU seconds used during the run by the load generator, Redis and the server(s). */
  seconds: { bench: number; redis: number; server: number };
}

export function sampleCpu(): CpuSample | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    const f = line.trim().split(/\s+/).slice(1, 9).map(Number);
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] =
      f;
    const total = user + nice + system + idle + iowait + irq + softirq + steal;
    return { at: performance.now(), total, busy: total - idle - iowait, ...treeTicks(process.pid) };
  } catch {
    return null;
  }
}

export function cpuShare(before: CpuSample | null, after: CpuSample | null): CpuShare | null {
  if (!before || !after) return null;
  const total = after.total - before.total;
  const wallSec = (after.at - before.at) / 1000;
  if (total <= 0 || wallSec <= 0) return null;
  const ticksPerSecond = total / cpus().length / wallSec;
  const delta = (k: 'bench' | 'redis' | 'server') => after[k] - before[k];
  const ours = delta('bench') + delta('redis') + delta('server');
  const busy = (after.busy - before.busy) / total;
  const r3 = (v: number) => Math.round(v * 1000) / 1000;
  return {
    machineBusy: r3(busy),
    foreign: r3(Math.max(0, busy - ours / total)),
    seconds: {
      bench: r3(delta('bench') / ticksPerSecond),
      redis: r3(delta('redis') / ticksPerSecond),
      server: r3(delta('server') / ticksPerSecond),
    },
  };
}

/** utime + stime of this process and each live descendant, by role, in clock ticks. */
function treeTicks(root: number): { bench: number; redis: number; server: number } {
  const stats = new Map<number, { ppid: number; ticks: number; comm: string }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid … utime stime: comm may hold spaces and parentheses.
      const close = text.lastIndexOf(')');
      const fields = text.slice(close + 2).split(' ');
      stats.set(Number(entry), {
        ppid: Number(fields[1]),
        ticks: Number(fields[11]) + Number(fields[12]),
        comm: text.slice(text.indexOf('(') + 1, close),
      });
    } catch {
      // the process ended while we looked
    }
  }
  const out = { bench: 0, redis: 0, server: 0 };
  for (const [pid, stat] of stats) {
    let cursor: number | undefined = pid;
    for (let depth = 0; cursor !== undefined && cursor > 1 && depth < 64; depth++) {
      if (cursor === root) {
        const role = pid === root ? 'bench' : stat.comm.startsWith('redis') ? 'redis' : 'server';
        out[role] += stat.ticks;
        break;
      }
      cursor = stats.get(cursor)?.ppid;
    }
  }
  return out;
}

/**
 * Waits (at most `maxSeconds`) until other processes use less than `threshold` of the machine's
 * CPU over a 3-second window. Resolves with the last share seen (null off Linux).
 */
export async function waitForQuiet(
  maxSeconds: number,
  threshold: number,
  log: (message: string) => void,
): Promise<number | null> {
  const deadline = performance.now() + maxSeconds * 1000;
  let last: number | null = null;
  for (let attempt = 0; attempt < 1000; attempt++) {
    const before = sampleCpu();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const share = cpuShare(before, sampleCpu());
    if (!share) return null;
    last = share.foreign;
    if (last < threshold) return last;
    if (performance.now() >= deadline) {
      log(`machine still busy (others use ${Math.round(last * 100)}% of CPU); going ahead`);
      return last;
    }
    if (attempt === 0)
      log(`waiting for a quieter machine (others use ${Math.round(last * 100)}% of CPU)`);
  }
  return last;
}
