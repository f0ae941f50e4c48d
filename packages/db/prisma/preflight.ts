// Checks the prisma CLI runs (from prisma.config.*.ts) before it migrates: problems a migration's
// SQL cannot report well. Written against Prisma's driver-adapter interface, so it works with
// whatever driver the configs use.

// biome-ignore lint/suspicious/noExplicitAny: the adapter types live in @prisma/driver-adapter-utils, not a direct dependency.
type AdapterFactory = any;

interface QueryResult {
  rows: unknown[][];
}

/** The part of Prisma's SqlDriverAdapter used here. */
interface Queryable {
  queryRaw(query: { sql: string; args: unknown[]; argTypes: unknown[] }): Promise<QueryResult>;
}

/**
 * Before `prisma migrate …`: runs every pre-flight check on the database behind `factory`, then
 * hands the factory back. Other commands (`db execute`, the way to fix what a check reports) pass.
 */
export async function preflight(factory: AdapterFactory): Promise<AdapterFactory> {
  if (!process.argv.slice(2).includes('migrate')) return factory;
  let clashes: string | undefined;
  try {
    const adapter = await factory.connect();
    try {
      clashes = await caseCollisions(
        adapter,
        factory.provider === 'sqlite' ? 'sqlite' : 'postgresql',
      );
    } finally {
      await adapter.dispose();
    }
  } catch {
    return factory; // unreachable or unreadable: the CLI reports that in its own words
  }
  if (clashes) {
    throw new Error(
      `Cannot migrate: usernames become unique whatever their case, and these users' names differ only in case: ${clashes}. ` +
        'Rename all but one of each group (UPDATE users SET username = … WHERE id = …), then migrate again.',
    );
  }
  return factory;
}

/**
 * Usernames become unique whatever their case (migration *_case_insensitive_usernames). SQLite's
 * unique index would only say "UNIQUE constraint failed", leaving a half-applied migration:
 * stop before it, naming every pair that differs only in case. Once the canonical column
 * exists its unique index keeps this empty, so the check is cheap and always safe to run.
 */
async function caseCollisions(
  adapter: Queryable,
  provider: 'sqlite' | 'postgresql',
): Promise<string | undefined> {
  const exists: QueryResult = await adapter.queryRaw({
    sql:
      provider === 'sqlite'
        ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'users'"
        : "SELECT to_regclass('users')::text AS name",
    args: [],
    argTypes: [],
  });
  if (!exists.rows[0]?.[0]) return undefined; // a new database: nothing to collide
  const clashes: QueryResult = await adapter.queryRaw({
    sql: `SELECT lower(username), username FROM users WHERE lower(username) IN
            (SELECT lower(username) FROM users GROUP BY lower(username) HAVING COUNT(*) > 1)
          ORDER BY 1, 2`,
    args: [],
    argTypes: [],
  });
  if (clashes.rows.length === 0) return undefined;
  const groups = new Map<string, string[]>();
  for (const [canonical, username] of clashes.rows as [string, string][]) {
    groups.set(canonical, [...(groups.get(canonical) ?? []), JSON.stringify(username)]);
  }
  return [...groups.values()].map((names) => names.join(' and ')).join('; ');
}
