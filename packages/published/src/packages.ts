import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@latch/testing';
import { run } from './run.js';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The packages other apps install, by folder under `packages/`. */
export const PUBLISHED = ['client', 'vue', 'verify'] as const;
export type Published = (typeof PUBLISHED)[number];

/** A tool this package (or `packages/<name>`) has installed, run without pnpm in between. */
export function bin(tool: string, from = 'published'): string {
  return path.join(repoRoot, 'packages', from, 'node_modules/.bin', tool);
}

export function packageDir(name: Published): string {
  return path.join(repoRoot, 'packages', name);
}

/**
 * `pnpm pack` exactly as a release would run it: `prepack` builds `dist/`, `publishConfig` and
 * real versions replace the workspace's own fields. Returns the tarball's path.
 */
export async function pack(name: Published, destination: string): Promise<string> {
  const before = new Set(readdirSync(destination));
  await run('pnpm', ['pack', '--pack-destination', destination], { cwd: packageDir(name) });
  const tarball = readdirSync(destination).find((file) => !before.has(file));
  if (!tarball?.endsWith('.tgz')) throw new Error(`pnpm pack of ${name} wrote no tarball`);
  return path.join(destination, tarball);
}

/** Written into the tarball directory once packing is done: `{ tarballs }` or `{ error }`. */
export const PACKED_FILE = 'packed.json';

/**
 * The tarballs the global setup is packing into `dir`, once they are there. Waits as long as the
 * builds take on a busy machine; a failed pack fails the caller with its output.
 */
export async function packedTarballs(dir: string): Promise<Record<Published, string>> {
  const file = path.join(dir, PACKED_FILE);
  await waitFor(async () => existsSync(file), {
    timeoutMs: 540_000,
    intervalMs: 250,
    what: 'pnpm pack of the published packages',
  });
  const result = JSON.parse(readFileSync(file, 'utf8')) as
    | { tarballs: Record<Published, string> }
    | { error: string };
  if ('error' in result) throw new Error(`packing failed:\n${result.error}`);
  return result.tarballs;
}
