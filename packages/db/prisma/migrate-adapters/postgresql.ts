// Migrate-time driver adapter for the wasm schema engine (prisma.config.postgresql.ts,
// `engine: "js"`). Based on /work/shared/recipes/prisma; see README.md. Used by the prisma CLI
// only — at run time src/index.ts uses the stock PrismaPg adapter.
import { randomUUID } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';

// prisma/orm#27403: @prisma/adapter-pg 6.x rejects catalog column types (name, "char",
// regclass, ...) returned by the schema engine's introspection queries. Report them as text.
const AS_TEXT = new Set([18, 19, 22, 24, 28, 30, 194, 2205, 2206]);
const AS_TEXT_ARRAY = new Set([1003]);
// biome-ignore lint/suspicious/noExplicitAny: SqlDriverAdapter lives in @prisma/driver-adapter-utils, which is not a direct dependency; we only monkey-patch performIO.
function patch(adapter: any) {
  const performIO = adapter.performIO.bind(adapter);
  adapter.performIO = async (q: unknown) => {
    const res = await performIO(q);
    for (const f of res?.fields ?? []) {
      if (AS_TEXT.has(f.dataTypeID)) f.dataTypeID = 25;
      else if (AS_TEXT_ARRAY.has(f.dataTypeID)) f.dataTypeID = 1009;
    }
    return res;
  };
  return adapter;
}

/** Splits `?schema=NAME` off a PostgreSQL url (node-postgres does not understand it). */
function splitSchema(url: string): { connectionString: string; schema: string | undefined } {
  const u = new URL(url);
  const schema = u.searchParams.get('schema') ?? undefined;
  u.searchParams.delete('schema');
  return { connectionString: u.toString(), schema };
}

function poolConfig(connectionString: string, schema: string | undefined): pg.PoolConfig {
  // The wasm schema engine creates the schema named by the adapter (getConnectionInfo) and
  // looks for _prisma_migrations there, but issues unqualified DDL: without a search_path
  // the tables land in `public` and the second step fails ("_prisma_migrations already exists").
  const options = schema ? `-c search_path="${schema.replaceAll('"', '""')}"` : undefined;
  return { connectionString, allowExitOnIdle: true, ...(options ? { options } : {}) };
}

export function migrateAdapter(url: string) {
  const { connectionString, schema } = splitSchema(url);
  const options = schema ? { schema } : undefined;
  const factory = new PrismaPg(poolConfig(connectionString, schema), options);
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => patch(await factory.connect()),
    // The built-in connectToShadowDb() reconnects to the *main* DB when given a
    // connectionString, and drops the shadow DB before closing its pool.
    // Create and drop a throw-away shadow database here instead (needs CREATEDB).
    async connectToShadowDb() {
      const admin = new pg.Client({ connectionString });
      await admin.connect();
      const name = `prisma_shadow_${randomUUID().replaceAll('-', '')}`;
      await admin.query(`CREATE DATABASE "${name}"`);
      const shadowUrl = new URL(connectionString);
      shadowUrl.pathname = `/${name}`;
      const shadow = new PrismaPg(poolConfig(shadowUrl.toString(), schema), options);
      const adapter = patch(await shadow.connect());
      const dispose = adapter.dispose.bind(adapter);
      adapter.dispose = async () => {
        await dispose();
        await admin.query(`DROP DATABASE IF EXISTS "${name}"`);
        await admin.end();
      };
      return adapter;
    },
    // biome-ignore lint/suspicious/noExplicitAny: prisma/config's adapter() wants SqlMigrationAwareDriverAdapterFactory from a transitive package we cannot name.
  } as any;
}
