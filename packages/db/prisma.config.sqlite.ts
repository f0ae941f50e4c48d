// prisma CLI config for the SQLite provider. Run from packages/db with DATABASE_URL exported
// (this config style skips .env loading). See README.md.
import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { migrateAdapter } from './prisma/migrate-adapters/sqlite.js';
import { preflight } from './prisma/preflight.js';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join('prisma', 'sqlite', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'sqlite', 'migrations') },
  async adapter() {
    return preflight(migrateAdapter(process.env.DATABASE_URL ?? 'file:./prisma/sqlite/dev.db'));
  },
});
