import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PasswordHasher } from '@latch/api';
import { type DatabaseProvider, migrateDatabase } from '@latch/db';
import pg from 'pg';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { FAST_HASH, startTestServer } from '../harness.js';

/**
 * Finding 1's migration: usernames become unique whatever their case. A database created by the
 * previous release (only the first migration applied) with users in it is migrated by the real
 * `migrateDatabase`; existing users then log in in any case. A colliding pair stops the
 * migration with a message naming the rows, changing nothing.
 */
const dbPackage = fileURLToPath(new URL('../../../../packages/db/', import.meta.url));
const prismaCli = path.join(dbPackage, 'node_modules/prisma/build/index.js');
const PG_BASE = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const FIRST_MIGRATION = 'init';

// Each prisma CLI run takes seconds; a test runs up to five of them.
vi.setConfig({ testTimeout: 180_000 });

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** Runs the prisma CLI of packages/db with a config that sees only the first migration. */
function prisma(provider: DatabaseProvider, url: string, args: string[], stdin?: string) {
  const dir = mkdtempSync(path.join(tmpdir(), 'latch-old-db-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const history = path.join(dbPackage, 'prisma', provider, 'migrations');
  const first = readdirSync(history).find((entry) => entry.endsWith(`_${FIRST_MIGRATION}`))!;
  cpSync(path.join(history, first), path.join(dir, 'migrations', first), { recursive: true });
  cpSync(
    path.join(history, 'migration_lock.toml'),
    path.join(dir, 'migrations/migration_lock.toml'),
  );
  const config = path.join(dir, 'prisma.config.ts');
  const base = path.join(dbPackage, `prisma.config.${provider}.ts`);
  const schema = path.join(dbPackage, 'prisma', provider, 'schema.prisma');
  writeFileSync(
    config,
    `import base from ${JSON.stringify(base)};
export default { ...base, schema: ${JSON.stringify(schema)}, migrations: { ...base.migrations, path: ${JSON.stringify(path.join(dir, 'migrations'))} } };
`,
  );
  // `db execute` wants --schema (or --url) even with a config
  const schemaFlag = args[0] === 'db' ? ['--schema', schema] : [];
  return new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [prismaCli, ...args, ...schemaFlag, '--config', config], {
      cwd: dbPackage,
      env: { ...process.env, DATABASE_URL: url, CHECKPOINT_DISABLE: '1', NO_COLOR: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    const done = /All migrations have been successfully applied|Script executed successfully/;
    const onData = (chunk: Buffer) => {
      output += chunk;
      // the wasm engine lingers after the work is done (see packages/db/README.md)
      if (done.test(output)) {
        child.kill('SIGTERM');
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('close', () => (done.test(output) ? resolve() : reject(new Error(output))));
    child.stdin.end(stdin ?? '');
  });
}

/** A database as the previous release left it, with these users (name → password) in it. */
async function previousReleaseDatabase(provider: DatabaseProvider, users: [string, string][]) {
  let url: string;
  if (provider === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'latch-old-sqlite-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    url = `file:${path.join(dir, 'latch.db')}`;
  } else {
    const schema = `latch_old_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    url = `${PG_BASE}?schema=${schema}`;
    cleanups.push(async () => {
      const client = new pg.Client({ connectionString: PG_BASE });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    });
  }
  await prisma(provider, url, ['migrate', 'deploy']);
  const hasher = new PasswordHasher(FAST_HASH);
  const rows = await Promise.all(
    users.map(async ([username, password]) => {
      const hash = await hasher.hash(password);
      return `('${randomUUID()}', '${username}', '${hash}', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`;
    }),
  );
  const insert = `INSERT INTO users (id, username, password_hash, created_at, updated_at) VALUES ${rows.join(', ')};`;
  await prisma(provider, url, ['db', 'execute', '--stdin'], insert);
  return url;
}

describe.each(['sqlite', 'postgresql'] as const)(
  'the case-insensitive username migration (%s)',
  (provider) => {
    it('keeps existing users, who then log in in any case', async () => {
      const url = await previousReleaseDatabase(provider, [
        ['Alice', 'alice password 1'],
        ['bob.smith', 'bob password 22'],
        ['CAROL_X', 'short12'],
      ]);
      await migrateDatabase(url);
      const t = await startTestServer({ DATABASE_URL: url });
      try {
        for (const [typed, password, shown] of [
          ['alice', 'alice password 1', 'Alice'],
          ['ALICE', 'alice password 1', 'Alice'],
          ['Bob.Smith', 'bob password 22', 'bob.smith'],
          ['carol_x', 'short12', 'CAROL_X'],
        ]) {
          const login = await t.call('auth.login', { input: { username: typed, password } });
          expect(login.status, typed).toBe(200);
          expect(login.data.user.username).toBe(shown);
        }
        const variant = await t.call('auth.register', {
          input: { username: 'alice', password: 'a long enough password' },
        });
        expect(variant.status).toBe(409);
      } finally {
        await t.close();
      }
    });

    it('stops on a colliding pair, naming both rows, and changes nothing', async () => {
      const url = await previousReleaseDatabase(provider, [
        ['Bob', 'first bob password'],
        ['bob', 'second bob password'],
        ['dave', 'dave password 1'],
      ]);
      const migration = migrateDatabase(url);
      await expect(migration).rejects.toThrow(/"Bob".*"bob"|"bob".*"Bob"/);
      await expect(migration).rejects.toThrow(/differ only in case/);
      // nothing changed: once the deployer renames one of them, the migration goes through
      await prisma(
        provider,
        url,
        ['db', 'execute', '--stdin'],
        "UPDATE users SET username = 'bob2' WHERE username = 'bob';",
      );
      await migrateDatabase(url);
      const t = await startTestServer({ DATABASE_URL: url });
      try {
        for (const [typed, password, shown] of [
          ['BOB', 'first bob password', 'Bob'],
          ['bob2', 'second bob password', 'bob2'],
          ['Dave', 'dave password 1', 'dave'],
        ]) {
          const login = await t.call('auth.login', { input: { username: typed, password } });
          expect(login.status, typed).toBe(200);
          expect(login.data.user.username).toBe(shown);
        }
      } finally {
        await t.close();
      }
    });
  },
);
