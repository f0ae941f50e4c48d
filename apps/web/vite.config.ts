import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

const { PORT, WEB_PORT, LATCH_API_URL } = process.env;
/** Where `pnpm dev` runs the API: the server's own `PORT` setting, unless told otherwise. */
const apiUrl = LATCH_API_URL || `http://127.0.0.1:${PORT || 3000}`;
const api = { target: apiUrl, changeOrigin: false };

/** `pnpm dev`: Vite serves the app and proxies the API; `pnpm build`: static files in dist/. */
export default defineConfig({
  plugins: [vue()],
  server: {
    port: Number(WEB_PORT || 5173),
    // A port asked for by name is that port or an error, never silently the next one.
    strictPort: Boolean(WEB_PORT),
    proxy: { '/trpc': api, '/healthz': api },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The password-strength dictionaries (zxcvbn-ts, ~1.6 MB) are chunks of their own, loaded
    // only by the pages that ask for a new password; the app's own entry stays far below this.
    chunkSizeWarningLimit: 1300,
  },
});
