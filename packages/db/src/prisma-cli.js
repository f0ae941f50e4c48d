// @ts-check
// Plain ESM so that scripts/*.mjs (run by bare `node`, e.g. as the root postinstall) and
// src/index.ts share one implementation of url handling and `prisma migrate deploy`.
// Types for TS callers: prisma-cli.d.ts (keep in sync; tsc prefers the .d.ts, so this file is
// only type-checked, via the JSDoc below and checkJs, when the .d.ts is moved away).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Absolute path of packages/db (where the prisma.config.*.ts files live), found by resolving the
 * package itself rather than from this file's place: the built server inlines this file into
 * apps/server/dist, and still migrates with packages/db's CLI, schemas and migrations.
 */
export const packageDir = path.dirname(
  createRequire(import.meta.url).resolve('@latch/db/package.json'),
);

/** The prisma CLI entry point, run with the current `node`. */
export const prismaCli = path.join(packageDir, 'node_modules', 'prisma', 'build', 'index.js');

/** Default database when DATABASE_URL is unset (relative to the working directory). */
export const DEFAULT_DATABASE_URL = 'file:./data/latch.db';

/**
 * @param {string} url
 * @returns {'sqlite' | 'postgresql'}
 */
export function databaseProvider(url) {
  if (url.startsWith('file:')) return 'sqlite';
  if (url.startsWith('postgresql://') || url.startsWith('postgres://')) return 'postgresql';
  // Only the scheme is echoed: the rest of a database url may hold a password.
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0];
  throw new Error(
    `Unsupported DATABASE_URL${scheme ? ` (scheme "${scheme}")` : url ? '' : ' (empty)'}: ` +
      'expected "file:<path>" for SQLite or "postgresql://…" / "postgres://…" for PostgreSQL',
  );
}

/**
 * The SQLite file named by a `file:` url: relative paths resolve against process.cwd();
 * `?query` parameters are ignored. `:memory:` is returned as is.
 * @param {string} url
 * @returns {string}
 */
export function sqliteFilePath(url) {
  if (!url.startsWith('file:')) throw new Error(`Not a SQLite "file:" url`);
  if (url.startsWith('file://')) return fileURLToPath(url.replace(/\?.*$/, ''));
  const file = url.slice('file:'.length).replace(/\?.*$/, '');
  if (file === ':memory:') return file;
  if (!file) throw new Error('DATABASE_URL "file:" names no file');
  return path.resolve(process.cwd(), file);
}

/**
 * Like sqliteFilePath(), and creates the parent directory.
 * @param {string} url
 * @returns {string}
 */
export function prepareSqliteFile(url) {
  const file = sqliteFilePath(url);
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  return file;
}

/**
 * Splits Prisma's `?schema=NAME` off a PostgreSQL url (node-postgres does not know it).
 * @param {string} url
 * @returns {{ connectionString: string; schema: string | undefined }}
 */
export function splitPostgresSchema(url) {
  const u = new URL(url);
  const schema = u.searchParams.get('schema') || undefined;
  u.searchParams.delete('schema');
  return { connectionString: u.toString(), schema };
}

const SUCCESS =
  /^(All migrations have been successfully applied\.|No pending migrations to apply\.)$/m;
const FAILURE = /^Error:/m;

/**
 * The interesting part of the CLI's output: from the first `Error:` line on, or else its
 * last lines.
 * @param {string} output
 */
function errorText(output) {
  const at = output.search(FAILURE);
  const text = at >= 0 ? output.slice(at) : output.trim().split('\n').slice(-8).join('\n');
  return text.replace(/\n{3,}/g, '\n\n').trim() || '(no output)';
}

/**
 * Runs `prisma migrate deploy` for the url's provider and settles as soon as the CLI reports
 * the result: the wasm schema engine keeps the process alive ~10 s after the work is done
 * (PostgreSQL), so on success the process is killed instead of awaited.
 * @param {string} url
 * @param {{ timeoutMs?: number }} [options]
 * @returns {Promise<{ provider: 'sqlite' | 'postgresql'; applied: string[] }>}
 */
export function migrateDeploy(url, options = {}) {
  const timeoutMs = options.timeoutMs ?? 120_000;
  /** @type {'sqlite' | 'postgresql'} */
  let provider;
  let databaseUrl = url;
  try {
    provider = databaseProvider(url);
    if (provider === 'sqlite') {
      const file = prepareSqliteFile(url);
      if (file === ':memory:') throw new Error('Cannot migrate an in-memory SQLite database');
      // The CLI runs in packageDir, so hand it an absolute path.
      databaseUrl = `file:${file}`;
    }
    const schema = path.join(packageDir, 'prisma', provider, 'schema.prisma');
    if (!existsSync(schema)) {
      throw new Error(
        `${path.relative(process.cwd(), schema)} is missing: run \`pnpm install\` ` +
          '(or `node packages/db/scripts/generate.mjs`) first',
      );
    }
  } catch (err) {
    return Promise.reject(err);
  }

  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [prismaCli, 'migrate', 'deploy', '--config', `prisma.config.${provider}.ts`],
      {
        cwd: packageDir,
        env: {
          ...process.env,
          DATABASE_URL: databaseUrl,
          CHECKPOINT_DISABLE: '1',
          PRISMA_HIDE_UPDATE_MESSAGE: '1',
          NO_COLOR: '1',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    let settled = false;
    /** @type {NodeJS.Timeout | undefined} */
    let failureGrace;

    /** @param {() => void} action */
    const settle = (action) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(failureGrace);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        // Not awaited: SIGKILL only if SIGTERM is ignored.
        setTimeout(() => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        }, 2_000).unref();
      }
      child.stdout?.destroy();
      child.stderr?.destroy();
      child.unref();
      action();
    };
    const fail = () =>
      settle(() =>
        reject(new Error(`prisma migrate deploy (${provider}) failed: ${errorText(output)}`)),
      );

    /** @param {Buffer} chunk */
    const onData = (chunk) => {
      output += chunk.toString('utf8');
      if (SUCCESS.test(output)) {
        const applied = [...output.matchAll(/^\s*└─ (\S+)\/$/gm)].map((m) => m[1] ?? '');
        settle(() => resolve({ provider, applied }));
      } else if (FAILURE.test(output)) {
        // The process may linger after an error too; give it a moment to finish the message.
        clearTimeout(failureGrace);
        failureGrace = setTimeout(fail, 500);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (err) =>
      settle(() => reject(new Error(`Cannot run the prisma CLI (${prismaCli}): ${err.message}`))),
    );
    // 'close' (not 'exit'): all output has been read by then.
    child.on('close', (code, signal) => {
      if (settled) return;
      if (code === 0) settle(() => resolve({ provider, applied: [] }));
      else {
        output += `\n(prisma exited with ${code === null ? `signal ${signal}` : `code ${code}`})`;
        fail();
      }
    });
    const timer = setTimeout(() => {
      output += `\n(no result after ${timeoutMs} ms)`;
      fail();
    }, timeoutMs);
  });
}
