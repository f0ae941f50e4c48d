import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { name: 'trpc-fastify', include: ['test/**/*.test.ts'], testTimeout: 20_000 },
});
