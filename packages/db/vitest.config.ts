import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'db',
    include: ['test/**/*.test.ts'],
    // Child processes (the prisma CLI) and process.chdir() in tests: use processes, not threads.
    pool: 'forks',
    // migrate deploy takes ~1 s here; generous bounds for slow CI machines.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
