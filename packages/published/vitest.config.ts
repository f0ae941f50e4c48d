import { defineConfig } from 'vitest/config';

/**
 * The published packages as their users get them. The global setup packs them once; the files
 * run one at a time (each installs into its own temp project with npm).
 */
export default defineConfig({
  test: {
    name: 'published',
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/pack.global.ts'],
    fileParallelism: false,
    testTimeout: 240_000,
    // The first file waits for the packing the global setup started (two builds).
    hookTimeout: 600_000,
  },
});
