import { defineConfig } from 'tsdown';

/**
 * What `pnpm pack`/`publish` ship (`prepack`): one ESM file and one declaration file. Nothing is
 * bundled: `@latch/client` is a dependency, `vue` and `vue-router` are peers.
 */
export default defineConfig({
  entry: 'src/index.ts',
  tsconfig: 'tsconfig.build.json',
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  outDir: 'dist',
  dts: true,
  // A package from node_modules pulled into the bundle fails the build: they all stay imports.
  deps: { onlyBundle: [] },
});
