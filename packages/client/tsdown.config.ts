import { defineConfig } from 'tsdown';

/**
 * What `pnpm pack`/`publish` ship (`prepack`): one ESM file and one declaration file. The
 * workspace packages it uses are inlined — `@latch/shared`'s code and types, and `AppRouter`'s
 * type from `@latch/api/router` — so the tarball needs nothing private; zod and tRPC stay
 * imports (a dependency and peers).
 */
export default defineConfig({
  entry: 'src/index.ts',
  tsconfig: 'tsconfig.build.json',
  format: 'esm',
  // Browsers, Node and bundlers alike: no Node built-ins, no `process`.
  platform: 'neutral',
  target: 'es2022',
  outDir: 'dist',
  // The workspace packages are compiled from source, so declarations need a whole-program emit.
  dts: { eager: true },
  // The workspace packages are inlined from source; a package from node_modules pulled into the
  // bundle (zod, tRPC) fails the build: those stay imports.
  deps: { onlyBundle: [] },
});
