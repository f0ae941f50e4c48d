import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { PUBLISHED, type Published, pack } from '../src/packages.js';

/** Once per run: packs every published package (building it on `prepack`) into a temp dir. */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(tmpdir(), 'latch-tarballs-'));
  const tarballs = {} as Record<Published, string>;
  // One after the other: both builds on two shared cores at once only make each slower.
  for (const name of PUBLISHED) tarballs[name] = await pack(name, dir);
  project.provide('tarballs', tarballs);
  return () => rmSync(dir, { recursive: true, force: true });
}

declare module 'vitest' {
  export interface ProvidedContext {
    tarballs: Record<Published, string>;
  }
}
