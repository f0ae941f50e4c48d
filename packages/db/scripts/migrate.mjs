// `pnpm db:migrate` (from the repo root): applies the committed migrations to DATABASE_URL
// (default file:./data/latch.db, relative to the working directory), SQLite or PostgreSQL.
import { DEFAULT_DATABASE_URL, migrateDeploy, sqliteFilePath } from '../src/prisma-cli.js';

/** Where a url points, without credentials. @param {string} url */
function describe(url) {
  if (url.startsWith('file:')) return sqliteFilePath(url);
  const u = new URL(url);
  const schema = u.searchParams.get('schema');
  return `${u.host}${u.pathname}${schema ? ` (schema ${schema})` : ''}`;
}

const url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
const started = Date.now();
try {
  const { provider, applied } = await migrateDeploy(url);
  const result = applied.length ? `applied ${applied.join(', ')}` : 'already up to date';
  console.log(`db migrate: ${provider} ${describe(url)}: ${result} (${Date.now() - started} ms)`);
  process.exit(0);
} catch (err) {
  console.error(`db migrate: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
}
