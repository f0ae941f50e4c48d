import { defineConfig } from 'tsdown';

/**
 * The comparison servers (src/baseline) as plain JavaScript, so that they run the way a deployed
 * server does — and the way `pnpm start` runs Latch (apps/server/dist) — rather than through tsx,
 * whose transform adds a `__name()` call to every closure made per request. `@latch/*` inlined,
 * everything from node_modules left as imports (as apps/server's build does).
 */
export default defineConfig({
  entry: {
    'bare-fastify': 'src/baseline/bare-fastify.ts',
    'better-auth-server': 'src/baseline/better-auth-server.ts',
    'tutorial-server': 'src/baseline/tutorial-server.ts',
  },
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outDir: 'dist/baseline',
  dts: false,
  sourcemap: false,
  // Every bare import but @latch/* stays an import, resolved from this package's node_modules.
  deps: { alwaysBundle: [/^@latch\//], neverBundle: [/^(?!@latch\/)[^./]/] },
});
