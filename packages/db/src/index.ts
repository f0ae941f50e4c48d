// @latch/db: the durable store of Latch (users only; sessions live in Redis).
// One Prisma model file, two providers (SQLite, PostgreSQL); see README.md.
import { PrismaLibSQL } from '@prisma/adapter-libsql';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient as PostgresqlClient } from './generated/postgresql/client.js';
import { PrismaClient as SqliteClient } from './generated/sqlite/client.js';
import {
  databaseProvider as detectProvider,
  migrateDeploy,
  prepareSqliteFile,
  splitPostgresSchema,
} from './prisma-cli.js';

export interface UserRecord {
  id: string;
  username: string;
  passwordHash: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface UserRepository {
  /** Finds the user whatever the case of `username` (`BOB` finds `Bob`). */
  findByUsername(username: string): Promise<UserRecord | null>;
  findById(id: string): Promise<UserRecord | null>;
  /** throws UsernameTakenError when the name exists in any case (map Prisma P2002) */
  create(input: { username: string; passwordHash: string }): Promise<UserRecord>;
  /** Replaces a user's password hash; false when there is no such user. */
  updatePasswordHash(id: string, passwordHash: string): Promise<boolean>;
}

/**
 * The form usernames are unique and looked up in: lower case, so `Bob` is taken when `bob`
 * exists. Usernames are ASCII (`[A-Za-z0-9_.-]`), where this equals SQL's lower() that the
 * migration backfilled existing rows with.
 */
export function canonicalUsername(username: string): string {
  return username.toLowerCase();
}

/** A user with this username exists already (a unique-constraint violation, Prisma P2002). */
export class UsernameTakenError extends Error {
  constructor(message = 'Username is already taken', options?: ErrorOptions) {
    super(message, options);
    this.name = 'UsernameTakenError';
  }
}

export type DatabaseProvider = 'sqlite' | 'postgresql';

export interface Database {
  readonly provider: DatabaseProvider;
  readonly users: UserRepository;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** 'file:' -> sqlite, 'postgresql://' or 'postgres://' -> postgresql; throws otherwise. */
export function databaseProvider(url: string): DatabaseProvider {
  return detectProvider(url);
}

/**
 * Opens a Prisma client for `url` (driver adapters: libSQL / node-postgres).
 * Relative `file:` paths resolve against process.cwd(); the parent directory is created.
 * A PostgreSQL `?schema=NAME` selects the schema. Connections are made lazily.
 */
export function openDatabase(url: string): Database {
  const provider = databaseProvider(url);
  const client = provider === 'sqlite' ? openSqlite(url) : openPostgresql(url);
  return new PrismaDatabase(provider, client);
}

/**
 * Applies the committed migrations of the url's provider (`prisma migrate deploy`).
 * Resolves as soon as the CLI reports success (it lingers for seconds afterwards and is
 * killed); rejects with the CLI's error message otherwise.
 */
export async function migrateDatabase(url: string): Promise<void> {
  await migrateDeploy(url);
}

// --- internals -------------------------------------------------------------------------

/** The part of either generated PrismaClient that this package uses. */
interface Client {
  user: {
    findUnique(args: {
      where: { id: string } | { canonicalUsername: string };
    }): PromiseLike<UserRecord | null>;
    create(args: {
      data: { username: string; canonicalUsername: string; passwordHash: string };
    }): PromiseLike<UserRecord>;
    updateMany(args: {
      where: { id: string };
      data: { passwordHash: string };
    }): PromiseLike<{ count: number }>;
  };
  $queryRawUnsafe(query: string): PromiseLike<unknown>;
  $disconnect(): Promise<void>;
}

function openSqlite(url: string): Client {
  const file = prepareSqliteFile(url);
  return new SqliteClient({
    adapter: new PrismaLibSQL({ url: file === ':memory:' ? file : `file:${file}` }),
  });
}

function openPostgresql(url: string): Client {
  const { connectionString, schema } = splitPostgresSchema(url);
  const adapter = new PrismaPg(
    // A bounded connect so that an unreachable server rejects instead of hanging.
    { connectionString, connectionTimeoutMillis: 10_000 },
    schema ? { schema } : undefined,
  );
  return new PostgresqlClient({ adapter });
}

class DatabaseClosedError extends Error {
  constructor() {
    super('Database is closed');
    this.name = 'DatabaseClosedError';
  }
}

function toRecord(row: UserRecord): UserRecord {
  const { id, username, passwordHash, createdAt, updatedAt } = row;
  return { id, username, passwordHash, createdAt, updatedAt };
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && err.code === 'P2002';
}

class PrismaDatabase implements Database {
  readonly users: UserRepository;
  #closed = false;

  constructor(
    readonly provider: DatabaseProvider,
    private readonly client: Client,
  ) {
    const open = () => {
      if (this.#closed) throw new DatabaseClosedError();
      return this.client;
    };
    this.users = {
      async findByUsername(username) {
        const where = { canonicalUsername: canonicalUsername(username) };
        const row = await open().user.findUnique({ where });
        return row && toRecord(row);
      },
      async findById(id) {
        const row = await open().user.findUnique({ where: { id } });
        return row && toRecord(row);
      },
      async create({ username, passwordHash }) {
        try {
          const data = { username, canonicalUsername: canonicalUsername(username), passwordHash };
          return toRecord(await open().user.create({ data }));
        } catch (err) {
          // `id` is generated, so the only unique field a caller can collide on is the username.
          if (isUniqueViolation(err)) {
            throw new UsernameTakenError(`Username "${username}" is already taken`, { cause: err });
          }
          throw err;
        }
      },
      async updatePasswordHash(id, passwordHash) {
        const { count } = await open().user.updateMany({ where: { id }, data: { passwordHash } });
        return count === 1;
      },
    };
  }

  async ping(): Promise<void> {
    if (this.#closed) throw new DatabaseClosedError();
    await this.client.$queryRawUnsafe('SELECT 1');
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.client.$disconnect();
  }
}
