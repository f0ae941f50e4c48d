import { defineConfig } from 'tsdown';

/** What `pnpm pack`/`publish` ship (`prepack`): one ESM file and one declaration file; jose stays an import. */
export default defineConfig({
  entry: 'src/index.ts',
  tsconfig: 'tsconfig.build.json',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outDir: 'dist',
  dts: true,
  // .js/.d.ts as package.json's exports say (a "type": "module" package).
  fixedExtension: false,
  deps: { onlyBundle: [] },
});
