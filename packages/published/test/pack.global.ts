import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { PACKED_FILE, PUBLISHED, type Published, pack } from '../src/packages.js';

/**
 * Once per run: packs every published package (building it on `prepack`) into a temp dir. Vitest
 * runs every project's global setup before any test, so the packing is started here but not
 * awaited: the other projects' tests run meanwhile, and this project's wait for `packed.json`.
 */
export default function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(tmpdir(), 'latch-tarballs-'));
  const packing = packAll(dir).then(
    (tarballs) => ({ tarballs }),
    (error: unknown) => ({ error: error instanceof Error ? error.message : String(error) }),
  );
  const written = packing.then((result) =>
    writeFileSync(path.join(dir, PACKED_FILE), JSON.stringify(result)),
  );
  project.provide('tarballDir', dir);
  return async () => {
    await written;
    rmSync(dir, { recursive: true, force: true });
  };
}

async function packAll(dir: string): Promise<Record<Published, string>> {
  const tarballs = {} as Record<Published, string>;
  // One after the other: two builds on two shared cores at once only make each slower.
  for (const name of PUBLISHED) tarballs[name] = await pack(name, dir);
  return tarballs;
}

declare module 'vitest' {
  export interface ProvidedContext {
    tarballDir: string;
  }
}
