import { randomBytes } from 'node:crypto';
import { databaseProvider, migrateDatabase } from '@latch/db';
import type { FastifyBaseLogger } from 'fastify';
import type { LatchServer } from './app.js';
import type { Settings } from './config.js';

export const DEMO_USERNAME = 'demo';

/**
 * Embedded SQLite is migrated on start so a fresh clone just runs; PostgreSQL is migrated by the
 * deployer (`pnpm db:migrate`). In development a demo user is created once and its password printed.
 */
export async function prepareDatabase(
  settings: Settings,
  server: Pick<LatchServer, 'auth' | 'db'>,
  log: FastifyBaseLogger,
): Promise<void> {
  if (databaseProvider(settings.DATABASE_URL) === 'sqlite' && settings.NODE_ENV !== 'production') {
    await migrateDatabase(settings.DATABASE_URL);
  }
  if (settings.NODE_ENV !== 'development') return;
  if (await server.db.users.findByUsername(DEMO_USERNAME)) return;
  const password = randomBytes(18).toString('base64url'); // 24 characters: above any PASSWORD_MIN_LENGTH a demo would set
  await server.auth.createUser({ username: DEMO_USERNAME, password });
  log.info(
    `demo user created — username: ${DEMO_USERNAME}  password: ${password}  (shown only this once)`,
  );
}
