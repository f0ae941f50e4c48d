import { existsSync } from 'node:fs';
import { AuthError, PasswordPolicyError, RequestError } from '@latch/api';
import { createLatchServer, type LatchServer } from '../app.js';
import { parseSettings, SettingsError } from '../config.js';
import { migrateEmbeddedDatabase } from '../prepare-database.js';
import { reachStore } from '../wait-for-store.js';
import { parseCommandLine, requireSessionStore, usage } from './commands.js';
import { CliError } from './read-password.js';

/**
 * `pnpm latch <command> <name>`: the operator's tools, on the same settings, database and session
 * store as the server. Every failure is one line on stderr and a non-zero exit code.
 */
async function main(args: string[]): Promise<number> {
  const parsed = parseCommandLine(args);
  if (!parsed) {
    console.log(usage());
    return 0;
  }
  if (existsSync('.env')) process.loadEnvFile('.env');
  const settings = parseSettings(process.env);
  const server = await createLatchServer(settings, { logger: false });
  try {
    requireSessionStore(parsed.command, server.store.kind);
    await migrateEmbeddedDatabase(settings);
    await requireStore(server);
    await parsed.command.run(
      { auth: server.auth, storeKind: server.store.kind, print: (line) => console.log(line) },
      parsed.username,
    );
    return 0;
  } finally {
    await server.close();
  }
}

/** The CLI changes nothing unless the store answers (Redis connects in the background). */
async function requireStore({ store }: LatchServer): Promise<void> {
  const error = await reachStore(store);
  if (error) {
    throw new CliError(
      `the session store (Redis) cannot be reached (${messageOf(error)}); nothing was changed`,
    );
  }
}

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? 'unknown error';
}

function report(error: unknown): number {
  if (error instanceof CliError) {
    console.error(`latch: ${error.message}`);
    return error.exitCode;
  }
  if (error instanceof SettingsError) {
    console.error(`latch: ${error.message.replace(/\n\s*/g, ' ')}`);
    return 1;
  }
  if (error instanceof PasswordPolicyError || error instanceof RequestError) {
    console.error(`latch: ${error.message}`);
    return 1;
  }
  if (error instanceof AuthError) {
    console.error(`latch: ${error.code}${error.message ? `: ${error.message}` : ''}`);
    return 1;
  }
  console.error(`latch: ${messageOf(error)}`);
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => process.exit(report(error)),
);
