import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrateDatabase } from '@latch/db';
import { type LatchProcess, startLatchProcess } from '@latch/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const tsx = path.join(repoRoot, 'node_modules/.bin/tsx');
const cli = path.join(repoRoot, 'apps/server/src/cli/main.ts');

const FIRST = 'violet rocket under tuesday';
const SECOND = 'seven quiet lanterns drift';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `pnpm latch …` as a real process (tsx directly, as the root script runs it), stdin piped. */
function latch(env: Record<string, string>, args: string[], stdin = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, [cli, ...args], {
      cwd: env.CWD,
      env: { PATH: process.env.PATH, NODE_ENV: 'test', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

/** A failure: exit code ≠ 0 and exactly one line on stderr, no stack trace. */
function expectOneLineError(run: Run, pattern: RegExp): void {
  expect(run.code).not.toBe(0);
  const lines = run.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

async function login(server: LatchProcess, username: string, password: string) {
  const response = await fetch(`${server.trpcUrl}/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const body = (await response.json()) as {
    result?: { data: { accessToken: string } };
    error?: { data: { authCode?: string } };
  };
  return { status: response.status, body };
}

async function me(server: LatchProcess, accessToken: string) {
  const response = await fetch(`${server.trpcUrl}/auth.me`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  const body = (await response.json()) as { error?: { data: { authCode?: string } } };
  return { status: response.status, authCode: body.error?.data.authCode };
}

describe('pnpm latch on SQLite and the in-process store', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'latch-cli-'));
  const env = { CWD: dir, DATABASE_URL: `file:${path.join(dir, 'latch.db')}` };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints its commands for help, and refuses bad command lines with exit code 2', async () => {
    const help = await latch(env, ['help']);
    expect(help.code).toBe(0);
    for (const command of ['user:create', 'user:password', 'sessions:list', 'sessions:revoke'])
      expect(help.stdout).toContain(command);

    const unknown = await latch(env, ['frobnicate', 'bob']);
    expectOneLineError(unknown, /^latch: unknown command "frobnicate"/);
    expect(unknown.code).toBe(2);
    expectOneLineError(await latch(env, ['user:create']), /a user name is missing/);
    expectOneLineError(await latch(env, ['user:create', 'bad name!']), /is not a user name/);
  });

  it('creates a user from a password on stdin, under the registration policy', async () => {
    const created = await latch(env, ['user:create', 'Alice'], `${FIRST}\n`);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^created user Alice \(/);

    expectOneLineError(
      await latch(env, ['user:create', 'alice'], `${FIRST}\n`),
      /^latch: That username is taken\.$/,
    );
    expectOneLineError(
      await latch(env, ['user:create', 'carol'], 'password1234\n'),
      /^latch: This password is too common/,
    );
    expectOneLineError(await latch(env, ['user:create', 'carol'], 'short\n'), /at least 12/);
  });

  it('sets a password by name in any case; unknown users and session commands fail clearly', async () => {
    const reset = await latch(env, ['user:password', 'ALICE'], `${SECOND}\n`);
    expect(reset.code).toBe(0);
    expect(reset.stdout).toContain('password of Alice changed');
    expect(reset.stdout).toContain('restart the server');

    expectOneLineError(
      await latch(env, ['user:password', 'nobody'], `${SECOND}\n`),
      /^latch: No user is named "nobody"\.$/,
    );
    expectOneLineError(
      await latch(env, ['sessions:list', 'alice']),
      /in-process store \(REDIS_URL unset\); set REDIS_URL/,
    );
  });

  it('says so when Redis cannot be reached, changing nothing', async () => {
    const run = await latch({ ...env, REDIS_URL: 'redis://127.0.0.1:1' }, [
      'sessions:revoke',
      'alice',
    ]);
    expectOneLineError(run, /session store \(Redis\) cannot be reached/);
  });
});

describe('pnpm latch on PostgreSQL and Redis, beside a running server', () => {
  const base = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
  const schema = `latch_cli_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'latch-cli-pg-'));
  const settings = {
    DATABASE_URL: `${base}?schema=${schema}`,
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: `latch-cli-test:${process.pid}:`,
  };
  const env = { ...settings, CWD: dir };
  let server: LatchProcess;

  beforeAll(async () => {
    await migrateDatabase(settings.DATABASE_URL);
    server = await startLatchProcess(settings);
  });

  afterAll(async () => {
    await server?.stop();
    const client = new pg.Client({ connectionString: base });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates a user the server logs in; lists and revokes its sessions; a reset ends them too', async () => {
    expect((await latch(env, ['user:create', 'dora'], `${FIRST}\n`)).code).toBe(0);

    const laptop = await login(server, 'dora', FIRST);
    const phone = await login(server, 'Dora', FIRST);
    expect([laptop.status, phone.status]).toEqual([200, 200]);
    const laptopToken = laptop.body.result?.data.accessToken ?? '';
    const phoneToken = phone.body.result?.data.accessToken ?? '';

    const listed = await latch(env, ['sessions:list', 'dora']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^2 live sessions of dora/);
    expect(listed.stdout.trim().split('\n')).toHaveLength(3);

    const revoked = await latch(env, ['sessions:revoke', 'dora']);
    expect(revoked.stdout.trim()).toBe('2 sessions of dora ended');
    expect(await me(server, laptopToken)).toEqual({ status: 401, authCode: 'SESSION_REVOKED' });
    expect(await me(server, phoneToken)).toEqual({ status: 401, authCode: 'SESSION_REVOKED' });
    expect((await latch(env, ['sessions:list', 'dora'])).stdout).toMatch(/^0 live sessions/);

    const again = await login(server, 'dora', FIRST);
    const againToken = again.body.result?.data.accessToken ?? '';
    const reset = await latch(env, ['user:password', 'dora'], `${SECOND}\n`);
    expect(reset.stdout.trim()).toBe('password of dora changed; 1 session ended');
    expect(await me(server, againToken)).toEqual({ status: 401, authCode: 'SESSION_REVOKED' });
    expect((await login(server, 'dora', FIRST)).body.error?.data.authCode).toBe(
      'INVALID_CREDENTIALS',
    );
    expect((await login(server, 'dora', SECOND)).status).toBe(200);
  });
});

describe('the demo account of development', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'latch-demo-'));
  const settings = { DATABASE_URL: `file:${path.join(dir, 'latch.db')}` };
  let server: LatchProcess;

  beforeAll(async () => {
    server = await startLatchProcess({ ...settings, NODE_ENV: 'development', LOG_LEVEL: 'info' });
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is printed readably once, kept out of the JSON log, and reset with pnpm latch user:password demo', async () => {
    const banner =
      /^ {4}username {2}demo\n {4}password {2}(\S+)\n {2}Lost it\? Set a new one: pnpm latch user:password demo$/m;
    const password = banner.exec(server.output())?.[1] ?? '';
    expect(password).toHaveLength(24);
    const jsonLines = server
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'));
    expect(jsonLines.some((line) => line.includes('demo user created'))).toBe(true);
    expect(jsonLines.some((line) => line.includes(password))).toBe(false);
    // Start-up also logs the active settings, redacted, and whether a .env file was read.
    const logged = jsonLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged.find((line) => line.msg === 'settings')).toMatchObject({
      envFile: 'no .env file',
      settings: { NODE_ENV: 'development', JWT_PRIVATE_KEY: 'unset', REDIS_URL: 'unset' },
    });
    expect((await login(server, 'demo', password)).status).toBe(200);

    const reset = await latch({ ...settings, CWD: dir }, ['user:password', 'demo'], `${SECOND}\n`);
    expect(reset.code).toBe(0);
    expect((await login(server, 'demo', SECOND)).status).toBe(200);
    expect((await login(server, 'demo', password)).status).toBe(401);
  });
});
