import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'vue',
    include: ['test/**/*.test.ts'],
    environment: 'happy-dom',
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
