// One contract for UserRepository + ping, run against a real SQLite file and a real
// PostgreSQL schema. No mocks: every assertion goes through the prisma CLI / driver adapters.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Sqlite from 'libsql';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Database,
  type DatabaseProvider,
  migrateDatabase,
  openDatabase,
  UsernameTakenError,
} from '../src/index.js';

const PG_BASE = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const prismaDir = fileURLToPath(new URL('../prisma', import.meta.url));

/** Raw access to the database under test, bypassing Prisma, to check what really landed. */
interface Backend {
  readonly url: string;
  /** Whether the users table exists yet. */
  hasUsersTable(): Promise<boolean>;
  /** Rows of _prisma_migrations (names of applied migrations). */
  appliedMigrations(): Promise<string[]>;
  /** The stored (snake_case) row of a user. */
  rawUser(username: string): Promise<Record<string, unknown> | undefined>;
  dispose(): Promise<void>;
}

function sqliteBackend(): Backend {
  const dir = mkdtempSync(path.join(tmpdir(), 'latch-db-test-'));
  // A nested, not yet existing directory: openDatabase/migrateDatabase must create it.
  const file = path.join(dir, 'nested', 'latch.db');
  const query = <T>(fn: (db: Sqlite.Database) => T): T => {
    const db = new Sqlite(file, { readonly: true, fileMustExist: true });
    try {
      return fn(db);
    } finally {
      db.close();
    }
  };
  return {
    url: `file:${file}`,
    async hasUsersTable() {
      if (!existsSync(file)) return false;
      return query(
        (db) =>
          db
            .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'users'")
            .get() !== undefined,
      );
    },
    async appliedMigrations() {
      return query((db) =>
        (
          db
            .prepare('SELECT migration_name FROM _prisma_migrations ORDER BY migration_name')
            .all() as {
            migration_name: string;
          }[]
        ).map((r) => r.migration_name),
      );
    },
    async rawUser(username) {
      return query(
        (db) =>
          db.prepare('SELECT * FROM users WHERE username = ?').get(username) as
            | Record<string, unknown>
            | undefined,
      );
    },
    async dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresqlBackend(): Backend {
  const schema = `latch_test_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: PG_BASE });
  const connected = client.connect();
  const q = async <R extends pg.QueryResultRow>(sql: string, params: unknown[] = []) => {
    await connected;
    return (await client.query<R>(sql, params)).rows;
  };
  return {
    url: `${PG_BASE}?schema=${schema}`,
    async hasUsersTable() {
      const rows = await q(
        'SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2',
        [schema, 'users'],
      );
      return rows.length > 0;
    },
    async appliedMigrations() {
      const rows = await q<{ migration_name: string }>(
        `SELECT migration_name FROM "${schema}"._prisma_migrations ORDER BY migration_name`,
      );
      return rows.map((r) => r.migration_name);
    },
    async rawUser(username) {
      const rows = await q(`SELECT * FROM "${schema}".users WHERE username = $1`, [username]);
      return rows[0];
    },
    async dispose() {
      await q(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    },
  };
}

const backends: Record<DatabaseProvider, () => Backend> = {
  sqlite: sqliteBackend,
  postgresql: postgresqlBackend,
};

describe.each(Object.keys(backends) as DatabaseProvider[])('Database contract (%s)', (provider) => {
  const committed = readdirSync(path.join(prismaDir, provider, 'migrations'), {
    withFileTypes: true,
  })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  let backend: Backend;
  let db: Database;

  beforeAll(() => {
    backend = backends[provider]();
  });
  afterAll(async () => {
    await db?.close();
    await backend?.dispose();
  });

  it('migrates a brand-new database', async () => {
    expect(committed.length).toBeGreaterThan(0);
    expect(await backend.hasUsersTable()).toBe(false);
    await migrateDatabase(backend.url);
    expect(await backend.hasUsersTable()).toBe(true);
    expect(await backend.appliedMigrations()).toEqual(committed);
  });

  it('opens the database and pings it', async () => {
    db = openDatabase(backend.url);
    expect(db.provider).toBe(provider);
    await expect(db.ping()).resolves.toBeUndefined();
  });

  it('creates a user and finds it by name and by id', async () => {
    const before = Date.now();
    const created = await db.users.create({ username: 'alice', passwordHash: 'hash-a' });
    const after = Date.now();

    expect(created).toEqual({
      id: expect.stringMatching(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      ),
      username: 'alice',
      passwordHash: 'hash-a',
      createdAt: expect.any(Date),
      updatedAt: expect.any(Date),
    });
    for (const at of [created.createdAt, created.updatedAt]) {
      expect(at.getTime()).toBeGreaterThanOrEqual(before - 1_000);
      expect(at.getTime()).toBeLessThanOrEqual(after + 1_000);
    }
    expect(created.updatedAt.getTime()).toBeGreaterThanOrEqual(created.createdAt.getTime());

    expect(await db.users.findByUsername('alice')).toEqual(created);
    expect(await db.users.findById(created.id)).toEqual(created);
    expect(await db.users.findByUsername('bob')).toBeNull();
    expect(await db.users.findById('00000000-0000-4000-8000-000000000000')).toBeNull();

    // Stored where and how the migrations say: table `users`, snake_case columns.
    expect(await backend.rawUser('alice')).toMatchObject({
      id: created.id,
      username: 'alice',
      password_hash: 'hash-a',
    });
  });

  it('keeps user ids distinct', async () => {
    const bob = await db.users.create({ username: 'bob', passwordHash: 'hash-b' });
    const alice = await db.users.findByUsername('alice');
    expect(bob.id).not.toBe(alice?.id);
    expect(await db.users.findById(bob.id)).toEqual(bob);
  });

  it('rejects a duplicate username with UsernameTakenError', async () => {
    const attempt = db.users.create({ username: 'alice', passwordHash: 'other-hash' });
    await expect(attempt).rejects.toBeInstanceOf(UsernameTakenError);
    await expect(attempt).rejects.toThrow(/alice/);
    // The original is untouched.
    expect((await db.users.findByUsername('alice'))?.passwordHash).toBe('hash-a');
  });

  it('finds and refuses usernames whatever their case, keeping the case first registered', async () => {
    const mixed = await db.users.create({ username: 'Erin.Case', passwordHash: 'hash-e' });
    expect(await db.users.findByUsername('erin.case')).toEqual(mixed);
    expect(await db.users.findByUsername('ERIN.CASE')).toEqual(mixed);
    for (const variant of ['erin.case', 'ERIN.CASE', 'Erin.case']) {
      await expect(
        db.users.create({ username: variant, passwordHash: 'other' }),
        variant,
      ).rejects.toBeInstanceOf(UsernameTakenError);
    }
    expect(await backend.rawUser('Erin.Case')).toMatchObject({
      username: 'Erin.Case',
      username_canonical: 'erin.case',
    });
  });

  it('updates a password hash by user id', async () => {
    const user = await db.users.create({ username: 'frank', passwordHash: 'old-hash' });
    expect(await db.users.updatePasswordHash(user.id, 'new-hash')).toBe(true);
    expect((await db.users.findById(user.id))?.passwordHash).toBe('new-hash');
    expect(await db.users.updatePasswordHash('00000000-0000-4000-8000-000000000000', 'x')).toBe(
      false,
    );
    expect((await db.users.findByUsername('alice'))?.passwordHash).toBe('hash-a');
  });

  it('treats a second migrate as a no-op, without waiting for the CLI to exit', async () => {
    const started = Date.now();
    await migrateDatabase(backend.url);
    // The CLI lingers ~10 s after `migrate deploy` on PostgreSQL; migrateDatabase must not.
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(await backend.appliedMigrations()).toEqual(committed);
    expect((await db.users.findByUsername('alice'))?.passwordHash).toBe('hash-a');
  });

  it('rejects ping and queries after close', async () => {
    await db.close();
    await expect(db.ping()).rejects.toThrow(/closed/);
    await expect(db.users.findByUsername('alice')).rejects.toThrow(/closed/);
    await db.close(); // idempotent
  });
});
