import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';

/**
 * One project, `web`: component tests (happy-dom) in test/, and browser end-to-end tests
 * (Chromium against real server processes and Redis; `// @vitest-environment node`) in e2e/.
 * Only the component tests: `vitest run --project web test/`.
 */
export default defineConfig({
  plugins: [vue()],
  test: {
    name: 'web',
    include: ['test/**/*.test.ts', 'e2e/**/*.e2e.test.ts'],
    environment: 'happy-dom',
    globalSetup: ['e2e/global-setup.ts'],
    testTimeout: 40_000,
    hookTimeout: 90_000,
  },
});
