import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MachineInfo } from './machine.js';

export const resultsDir = fileURLToPath(new URL('../../results/', import.meta.url));

/** A target from the issue, judged informationally: a miss never fails the run. */
export interface TargetCheck {
  what: string;
  target: string;
  measured: string;
  pass: boolean;
}

/** The first columns of a table of load runs whose rows start with `case` and its figures. */
export const LOAD_COLUMNS = [
  'case',
  'req/s avg',
  'p50 ms',
  'p99 ms',
  'server µs/req',
  'redis µs/req',
] as const;

/**
 * The note that says how a table of load runs combines its rounds (`combine`): req/s and latency
 * are medians over the rounds, CPU per request pools them.
 */
export function roundsNote(
  rounds: number,
  each?: { durationSec: number; connections: number },
): string {
  const of = each ? ` of ${each.durationSec} s at ${each.connections} connections` : '';
  return `req/s and latency: the median over ${rounds} interleaved round(s)${of}; µs/req: all rounds' CPU time ÷ all their requests`;
}

export interface Table {
  title: string;
  columns: string[];
  rows: (string | number)[][];
  notes: string[];
}

/**
 * Share of the machine's CPU (all cores = 1) that processes other than the benchmark, its servers
 * and its Redis took during the measured runs. Above ~0.1 the numbers are noise-bound.
 */
export interface Noise {
  medianForeignCpu: number;
  worstForeignCpu: number;
}

export const NOISY = 0.1;

export function noiseNote(noise: Noise | null): string {
  if (!noise) return 'foreign CPU: not measured (no /proc)';
  const pct = (v: number) => `${Math.round(v * 100)}%`;
  const warn =
    noise.worstForeignCpu > NOISY ? ' — BUSY MACHINE, treat these numbers with care' : '';
  return `other processes took ${pct(noise.medianForeignCpu)} of the machine's CPU during the median run, ${pct(noise.worstForeignCpu)} at worst${warn}`;
}

/** What a benchmark hands back; run.ts adds machine, time and load averages. */
export interface BenchOutcome {
  settings: Record<string, unknown>;
  /** Raw numbers as measured (autocannon stats, latencies). */
  raw: unknown;
  /** Ratios and other derived values. */
  computed: Record<string, unknown>;
  targets: TargetCheck[];
  table: Table;
  notes: string[];
  noise: Noise | null;
}

export interface ResultFile extends BenchOutcome {
  name: string;
  timestamp: string;
  quick: boolean;
  wallSeconds: number;
  machine: MachineInfo;
  loadAverage: { before: number[]; after: number[] };
}

export function writeResult(result: ResultFile): string {
  mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `${result.name}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

export function formatTable(table: Table): string {
  const body = table.rows.map((row) => row.map(String));
  const cells = [table.columns, ...body];
  const widths = table.columns.map((_, i) =>
    Math.max(...cells.map((row) => (row[i] ?? '').length)),
  );
  // Numbers (and numbers with a suffix such as "0.93 PASS") right-aligned, words left-aligned.
  const numeric = table.columns.map((_, i) =>
    body.every((row) => /^([-\d.,/%]+( PASS| MISS)?|n\/a)$/.test(row[i] ?? '')),
  );
  const line = (row: string[]) =>
    `| ${row.map((cell, i) => (numeric[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (numeric[i] ? `${'-'.repeat(w + 1)}:` : `:${'-'.repeat(w + 1)}`)).join('|')}|`;
  const out = [`### ${table.title}`, '', line(table.columns), rule];
  for (const row of cells.slice(1)) out.push(line(row));
  if (table.notes.length > 0) out.push('', ...table.notes.map((note) => `- ${note}`));
  return out.join('\n');
}

export function passMark(pass: boolean): string {
  return pass ? 'PASS' : 'MISS';
}

export function fmt(value: number, digits = 0): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}
