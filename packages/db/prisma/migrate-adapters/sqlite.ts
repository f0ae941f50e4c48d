// Migrate-time driver adapter for the wasm schema engine (prisma.config.sqlite.ts, `engine: "js"`).
// Copied from /work/shared/recipes/prisma; see README.md. Used by the prisma CLI only — at run
// time src/index.ts uses the stock PrismaBetterSQLite3 adapter.
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';

// The wasm schema engine applies migration files to the shadow DB with executeRaw();
// better-sqlite3 runs only one statement per prepare(), so send parameterless raw
// commands through executeScript() (sqlite3_exec), which runs multi-statement SQL.
// biome-ignore lint/suspicious/noExplicitAny: SqlDriverAdapter lives in @prisma/driver-adapter-utils, which is not a direct dependency; we only monkey-patch one method.
function patch(adapter: any) {
  const executeRaw = adapter.executeRaw.bind(adapter);
  adapter.executeRaw = async (q: { sql: string; args: unknown[] }) => {
    if (q.args.length === 0) {
      await adapter.executeScript(q.sql);
      return 0;
    }
    return executeRaw(q);
  };
  return adapter;
}

export function migrateAdapter(url: string) {
  const factory = new PrismaBetterSQLite3({ url }); // shadow DB defaults to :memory:
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => patch(await factory.connect()),
    connectToShadowDb: async () => patch(await factory.connectToShadowDb()),
    // biome-ignore lint/suspicious/noExplicitAny: prisma/config's adapter() wants SqlMigrationAwareDriverAdapterFactory from a transitive package we cannot name.
  } as any;
}
