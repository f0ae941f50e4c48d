// prisma CLI config for the PostgreSQL provider. Run from packages/db with DATABASE_URL exported
// (this config style skips .env loading). See README.md.
import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { migrateAdapter } from './prisma/migrate-adapters/postgresql.js';
import { preflight } from './prisma/preflight.js';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join('prisma', 'postgresql', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'postgresql', 'migrations') },
  async adapter() {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error('DATABASE_URL is not set');
    return preflight(migrateAdapter(url));
  },
});
