import { statSync } from 'node:fs';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { bin, PUBLISHED, type Published, packedTarballs } from '../src/packages.js';
import { run } from '../src/run.js';
import { filesOf, importedPackages, manifestOf, readFromTarball } from '../src/tarball.js';

let tarballs: Record<Published, string>;
beforeAll(async () => {
  tarballs = await packedTarballs(inject('tarballDir'));
});
const here = new URL('..', import.meta.url).pathname;
/** What a published package may depend on from this workspace: only other published ones. */
const PUBLIC_LATCH = new Set(PUBLISHED.map((name) => `@latch/${name}`));

describe.each(PUBLISHED)('the @latch/%s tarball', (name) => {
  const tarball = () => tarballs[name];

  it('holds the build, its README and a manifest with real versions', async () => {
    expect(await filesOf(tarball())).toEqual([
      'README.md',
      'dist/index.d.ts',
      'dist/index.js',
      'package.json',
    ]);
    const manifest = await manifestOf(tarball());
    expect(manifest.name).toBe(`@latch/${name}`);
    expect(JSON.stringify(manifest)).not.toMatch(/workspace:|catalog:/);
    const runtime = { ...manifest.dependencies, ...manifest.peerDependencies };
    for (const dependency of Object.keys(runtime)) {
      if (dependency.startsWith('@latch/')) expect(PUBLIC_LATCH).toContain(dependency);
    }
    console.log(`@latch/${name}: ${statSync(tarball()).size} bytes packed`);
  });

  it('imports, in its code and its declarations, only what it declares', async () => {
    const manifest = await manifestOf(tarball());
    const declared = new Set([
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}),
    ]);
    for (const file of ['dist/index.js', 'dist/index.d.ts']) {
      const imported = importedPackages(await readFromTarball(tarball(), file));
      expect(imported.length, file).toBeGreaterThan(0);
      for (const dependency of imported)
        expect(declared, `${file} imports it`).toContain(dependency);
    }
  });

  it('publint: all good', async () => {
    const { stdout } = await run(bin('publint'), ['run', tarball(), '--strict'], { cwd: here });
    console.log(stdout.trim());
    expect(stdout).toContain('All good!');
  });

  it('are the types wrong: no problems in any resolution mode', async () => {
    // attw's bundled TypeScript (5.6) predates require(esm): it calls `require()` of an ES module
    // "dynamic import only". Node ≥ 20.19 (the packages' engines) and tsc ≥ 5.8 with nodenext
    // allow it, and consumer.test.ts proves both, so that one rule is off; the rest stay on.
    const { stdout } = await run(
      bin('attw'),
      [tarball(), '--ignore-rules', 'cjs-resolves-to-esm', '--format', 'ascii'],
      { cwd: here },
    );
    console.log(stdout.trim());
    expect(stdout).toContain('No problems found');
  });
});
