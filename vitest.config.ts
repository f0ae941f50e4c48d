import { defineConfig } from 'vitest/config';

/** `pnpm test`: every package's suite in one run, so one line can total them. */
export default defineConfig({
  test: {
    projects: [
      'packages/*/vitest.config.ts',
      'apps/*/vitest.config.ts',
      'examples/*/vitest.config.ts',
    ],
  },
});
