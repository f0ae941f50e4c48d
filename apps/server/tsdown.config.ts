import { defineConfig } from 'tsdown';

/**
 * `pnpm build`: the server and the admin CLI as plain JavaScript for `node` (no tsx at run time).
 * The workspace packages (`@latch/*`, which publish TypeScript sources inside the monorepo) are
 * inlined; every package from node_modules stays an import, resolved from this app's own
 * dependencies — which is why package.json lists the runtime dependencies of @latch/api and
 * @latch/db too.
 */
export default defineConfig({
  entry: { main: 'src/main.ts', cli: 'src/cli/main.ts' },
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outDir: 'dist',
  dts: false,
  // The generated Prisma client (in @latch/db) is big and needs no second look.
  sourcemap: false,
  deps: { alwaysBundle: [/^@latch\//], onlyBundle: [] },
});
