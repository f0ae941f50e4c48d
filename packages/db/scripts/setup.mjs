// Root postinstall: generate both Prisma clients, then migrate the default SQLite database
// (DATABASE_URL when it is a file: url, else file:./data/latch.db). Never fails the install
// for a database problem (it prints a warning; `pnpm db:migrate` reports it again); it fails
// only when the clients cannot be generated, since nothing can import @latch/db then.
import { existsSync } from 'node:fs';
import {
  DEFAULT_DATABASE_URL,
  migrateDeploy,
  prismaCli,
  sqliteFilePath,
} from '../src/prisma-cli.js';
import { generate } from './generate.mjs';

const started = Date.now();
if (!existsSync(prismaCli)) {
  // e.g. a filtered or production install without packages/db's dev dependencies.
  console.log('db setup: skipped (prisma CLI not installed in packages/db)');
  process.exit(0);
}

/** @type {string[]} */
let generated;
try {
  generated = await generate();
} catch (err) {
  console.error(`db setup: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
}

const envUrl = process.env.DATABASE_URL;
const url = envUrl?.startsWith('file:') ? envUrl : DEFAULT_DATABASE_URL;
try {
  const { applied } = await migrateDeploy(url);
  const result = applied.length ? `applied ${applied.join(', ')}` : 'up to date';
  console.log(
    `db setup: clients ${generated.length ? `generated (${generated.join(', ')})` : 'up to date'}; ` +
      `${sqliteFilePath(url)} ${result} (${Date.now() - started} ms)`,
  );
} catch (err) {
  console.warn(
    `db setup: WARNING: clients ready, but migrating ${url} failed (run \`pnpm db:migrate\`):\n` +
      `${err instanceof Error ? err.message : err}`,
  );
}
process.exit(0);
