import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLatchServer } from './app.js';
import { parseSettings, SettingsError } from './config.js';
import { prepareDatabase } from './prepare-database.js';
import { settingsSummary } from './settings-summary.js';
import { waitForStore } from './wait-for-store.js';

const SHUTDOWN_GRACE_MS = 10_000;

const envFileRead = existsSync('.env');
if (envFileRead) process.loadEnvFile('.env');

let settings: ReturnType<typeof parseSettings>;
try {
  settings = parseSettings(process.env);
} catch (error) {
  if (!(error instanceof SettingsError)) throw error;
  console.error(`latch: ${error.message}`);
  process.exit(1);
}

const webDist = settings.WEB_DIST ?? fileURLToPath(new URL('../../web/dist', import.meta.url));
const server = await createLatchServer(settings, { webDist });
const { app } = server;
app.log.info(
  { settings: settingsSummary(settings), envFile: envFileRead ? '.env read' : 'no .env file' },
  'settings',
);

await prepareDatabase(settings, server, app.log);
await waitForStore(server.store, app.log);

// Ctrl-C under `pnpm start` delivers SIGINT twice (the terminal's, then pnpm forwarding it): the
// first starts a graceful shutdown, later ones must not cut it short with the default action.
let shuttingDown = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (shuttingDown) return;
    shuttingDown = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS).unref();
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}

await app.listen({ port: settings.PORT, host: settings.HOST });
app.log.info(
  {
    store: server.store.kind,
    db: server.db.provider,
    webApp: existsSync(path.join(webDist, 'index.html')),
  },
  'latch is ready',
);
