/**
 * The browser budget: what an app's bundler adds for the client, every dependency included. The
 * tRPC peers are counted too (size-limit leaves peers out by default), since the client cannot
 * run without them.
 */
const withPeers = (config) => ({ ...config, external: [] });

export default [
  {
    name: 'createLatchClient + localStorageAdapter, with zod/mini and tRPC',
    path: 'dist/index.js',
    import: '{ createLatchClient, localStorageAdapter }',
    limit: '30 kB',
    gzip: true,
    modifyEsbuildConfig: withPeers,
  },
  {
    name: 'everything @latch/client exports, with zod/mini and tRPC',
    path: 'dist/index.js',
    import: '*',
    limit: '30 kB',
    gzip: true,
    modifyEsbuildConfig: withPeers,
  },
];
