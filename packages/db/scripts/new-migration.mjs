// Creates a new migration for BOTH providers from the current prisma/models.prisma:
//   pnpm --filter @latch/db migration:new <name>
// It runs `prisma migrate dev` (not --create-only: that fails with "null pointer passed to
// rust" on the wasm engine) against throw-away databases: a temp SQLite file
// (after `migrate deploy`, as `migrate dev` on an empty SQLite db fails with P1014) and a fresh
// schema in PostgreSQL (MIGRATION_PG_URL, default postgresql://postgres@127.0.0.1:5432/test;
// the role needs CREATEDB for the shadow database). The CLI lingers up to ~60 s after
// `migrate dev`, so it is killed as soon as it reports the result.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { migrateDeploy, packageDir, prismaCli } from '../src/prisma-cli.js';
import { generate } from './generate.mjs';

const name = process.argv[2] ?? '';
if (!/^[a-z0-9_]+$/.test(name)) {
  console.error('usage: pnpm --filter @latch/db migration:new <snake_case_name>');
  process.exit(2);
}

const DONE =
  /^(Your database is now in sync with your schema\.|Already in sync, no schema change or pending migration was found\.)$/m;

/**
 * @param {'sqlite' | 'postgresql'} provider
 * @param {string} databaseUrl
 * @returns {Promise<string>} the CLI's output
 */
function migrateDev(provider, databaseUrl) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        prismaCli,
        'migrate',
        'dev',
        '--skip-generate',
        '--name',
        name,
        '--config',
        `prisma.config.${provider}.ts`,
      ],
      {
        cwd: packageDir,
        env: { ...process.env, DATABASE_URL: databaseUrl, CHECKPOINT_DISABLE: '1', NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    let settled = false;
    /** @param {Buffer} chunk */
    const onData = (chunk) => {
      output += chunk.toString('utf8');
      process.stdout.write(chunk);
      // Wait for the block that follows the marker (the migration path) before killing.
      if (!settled && DONE.test(output)) {
        settled = true;
        setTimeout(() => {
          child.kill('SIGTERM');
          resolve(output);
        }, 300);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code) => {
      if (settled) return;
      settled = true;
      if (code === 0) resolve(output);
      else reject(new Error(`prisma migrate dev (${provider}) failed with code ${code}`));
    });
  });
}

await generate({ force: true });

// SQLite: a temp file holding the committed history.
const dir = mkdtempSync(path.join(tmpdir(), 'latch-new-migration-'));
try {
  const url = `file:${path.join(dir, 'dev.db')}`;
  await migrateDeploy(url);
  console.log(`\n== sqlite (${url})`);
  await migrateDev('sqlite', url);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// PostgreSQL: a fresh schema, dropped afterwards.
const base = process.env.MIGRATION_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const schema = `latch_migration_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: base });
await admin.connect();
try {
  const url = `${base}${base.includes('?') ? '&' : '?'}schema=${schema}`;
  await migrateDeploy(url);
  console.log(`\n== postgresql (schema ${schema})`);
  await migrateDev('postgresql', url);
} finally {
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end();
}
console.log(
  `\nReview prisma/{sqlite,postgresql}/migrations/*_${name}/migration.sql and commit both.`,
);
process.exit(0);
