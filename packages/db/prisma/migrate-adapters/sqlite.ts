// Migrate-time driver adapter for the wasm schema engine (prisma.config.sqlite.ts, `engine: "js"`).
// After /work/shared/recipes/prisma (written for better-sqlite3); see README.md. Used by the prisma
// CLI only — at run time src/index.ts uses the stock PrismaLibSQL adapter.
import { PrismaLibSQL } from '@prisma/adapter-libsql';

// The wasm schema engine applies migration files to the shadow DB with executeRaw();
// libSQL's execute() runs one statement, so send parameterless raw commands through
// executeScript() (executeMultiple), which runs multi-statement SQL.
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
  const factory = new PrismaLibSQL({ url }); // shadow DB defaults to :memory:
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => patch(await factory.connect()),
    connectToShadowDb: async () => patch(await factory.connectToShadowDb()),
    // biome-ignore lint/suspicious/noExplicitAny: prisma/config's adapter() wants SqlMigrationAwareDriverAdapterFactory from a transitive package we cannot name.
  } as any;
}
