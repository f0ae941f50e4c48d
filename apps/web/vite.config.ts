import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

/** `pnpm dev`: Vite serves the app and proxies the API; `pnpm build`: static files in dist/. */
export default defineConfig({
  plugins: [vue()],
  server: {
    port: 5173,
    strictPort: false,
    proxy: {
      '/trpc': {
        target: process.env.LATCH_API_URL ?? 'http://127.0.0.1:3000',
        changeOrigin: false,
      },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The password-strength dictionaries (zxcvbn-ts, ~1.6 MB) are chunks of their own, loaded
    // only by the pages that ask for a new password; the app's own entry stays far below this.
    chunkSizeWarningLimit: 1300,
  },
});
