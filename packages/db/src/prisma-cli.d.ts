// Declarations for prisma-cli.js (plain ESM shared with scripts/*.mjs).
export declare const packageDir: string;
export declare const prismaCli: string;
export declare const DEFAULT_DATABASE_URL: string;
export declare function databaseProvider(url: string): 'sqlite' | 'postgresql';
export declare function sqliteFilePath(url: string): string;
export declare function prepareSqliteFile(url: string): string;
export declare function splitPostgresSchema(url: string): {
  connectionString: string;
  schema: string | undefined;
};
export declare function migrateDeploy(
  url: string,
  options?: { timeoutMs?: number },
): Promise<{ provider: 'sqlite' | 'postgresql'; applied: string[] }>;
