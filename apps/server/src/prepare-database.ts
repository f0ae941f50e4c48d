import { randomBytes } from 'node:crypto';
import { databaseProvider, migrateDatabase } from '@latch/db';
import type { FastifyBaseLogger } from 'fastify';
import type { LatchServer } from './app.js';
import type { Settings } from './config.js';

export const DEMO_USERNAME = 'demo';

/**
 * Embedded SQLite is migrated on start so a fresh clone just runs; PostgreSQL is migrated by the
 * deployer (`pnpm db:migrate`).
 */
export async function migrateEmbeddedDatabase(settings: Settings): Promise<void> {
  if (databaseProvider(settings.DATABASE_URL) === 'sqlite' && settings.NODE_ENV !== 'production') {
    await migrateDatabase(settings.DATABASE_URL);
  }
}

/** Migrates (see above); in development a demo user is created once and its password printed. */
export async function prepareDatabase(
  settings: Settings,
  server: Pick<LatchServer, 'auth' | 'db'>,
  log: FastifyBaseLogger,
  print: (text: string) => void = (text) => process.stdout.write(text),
): Promise<void> {
  await migrateEmbeddedDatabase(settings);
  if (settings.NODE_ENV !== 'development') return;
  if (await server.db.users.findByUsername(DEMO_USERNAME)) return;
  const password = randomBytes(18).toString('base64url'); // 24 characters: above any PASSWORD_MIN_LENGTH a demo would set
  await server.auth.createUser({ username: DEMO_USERNAME, password });
  // The password goes to the terminal once, never into the structured log a collector keeps.
  log.info({ username: DEMO_USERNAME }, 'demo user created (password printed once, not logged)');
  print(demoBanner(DEMO_USERNAME, password));
}

export function demoBanner(username: string, password: string): string {
  return [
    '',
    '  Latch demo account (development only; the password is shown this once)',
    `    username  ${username}`,
    `    password  ${password}`,
    `  Lost it? Set a new one: pnpm latch user:password ${username}`,
    '',
    '',
  ].join('\n');
}
