import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { databaseProvider, migrateDatabase, openDatabase } from '../src/index.js';

/** A localhost port with nothing listening on it (a socket bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
  return address.port;
}

describe('databaseProvider', () => {
  it.each([
    ['file:./data/latch.db', 'sqlite'],
    ['file:/var/lib/latch/latch.db', 'sqlite'],
    ['postgresql://postgres@127.0.0.1:5432/test', 'postgresql'],
    ['postgres://user:pw@db.example:5432/latch?schema=auth', 'postgresql'],
  ])('%s -> %s', (url, provider) => {
    expect(databaseProvider(url)).toBe(provider);
  });

  it.each([
    '',
    './data/latch.db',
    'sqlite:./latch.db',
    'mysql://root:s3cret@127.0.0.1/latch',
    'POSTGRES',
  ])('rejects %j, naming DATABASE_URL', (url) => {
    expect(() => databaseProvider(url)).toThrow(/DATABASE_URL/);
  });

  it('does not echo credentials of an unsupported url', () => {
    expect(() => databaseProvider('mysql://root:s3cret@127.0.0.1/latch')).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('s3cret') }),
    );
  });

  it('makes openDatabase and migrateDatabase fail the same way', async () => {
    expect(() => openDatabase('mysql://x/y')).toThrow(/DATABASE_URL/);
    await expect(migrateDatabase('mysql://x/y')).rejects.toThrow(/DATABASE_URL/);
  });
});

describe('relative SQLite urls', () => {
  it('resolve against process.cwd(), creating the parent directory', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'latch-db-cwd-'));
    const cwd = process.cwd();
    try {
      process.chdir(dir);
      await migrateDatabase('file:./data/latch.db');
      expect(statSync(path.join(dir, 'data', 'latch.db')).size).toBeGreaterThan(0);
      const db = openDatabase('file:./data/latch.db');
      try {
        await db.users.create({ username: 'carol', passwordHash: 'h' });
        expect((await db.users.findByUsername('carol'))?.username).toBe('carol');
      } finally {
        await db.close();
      }
    } finally {
      process.chdir(cwd);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('unreachable PostgreSQL', () => {
  it('ping rejects instead of hanging', { timeout: 15_000 }, async () => {
    const db = openDatabase(`postgresql://postgres@127.0.0.1:${await closedPort()}/test`);
    try {
      await expect(db.ping()).rejects.toThrow();
    } finally {
      await db.close();
    }
  });

  it("migrateDatabase rejects with the CLI's message", async () => {
    const port = await closedPort();
    await expect(migrateDatabase(`postgresql://postgres@127.0.0.1:${port}/test`)).rejects.toThrow(
      new RegExp(`Can't reach database server at \`127\\.0\\.0\\.1:${port}\``),
    );
  });
});
