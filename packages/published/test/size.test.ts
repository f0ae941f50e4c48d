import { beforeAll, expect, inject, it } from 'vitest';
import { bin, packageDir, packedTarballs } from '../src/packages.js';
import { run } from '../src/run.js';

interface SizeCheck {
  name: string;
  passed: boolean;
  size: number;
}

beforeAll(async () => {
  await packedTarballs(inject('tarballDir'));
});

// The global setup's `pnpm pack` built packages/client/dist; size-limit bundles it for a browser
// (esbuild, minified, gzip) with every dependency, per packages/client/.size-limit.js.
it('the client in a browser bundle, with every dependency, stays within 30 kB min+gzip', async () => {
  const { stdout } = await run(bin('size-limit', 'client'), ['--json'], {
    cwd: packageDir('client'),
    allowFailure: true,
  });
  const checks = JSON.parse(stdout) as SizeCheck[];
  for (const check of checks) console.log(`${check.name}: ${(check.size / 1000).toFixed(2)} kB`);
  expect(checks.length).toBeGreaterThan(0);
  for (const check of checks) {
    expect(check.size, check.name).toBeLessThanOrEqual(30_000);
    expect(check.passed, check.name).toBe(true);
  }
});
