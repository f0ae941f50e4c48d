import { randomUUID } from 'node:crypto';
import { migrateDatabase } from '@latch/db';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, registerUser, startTestServer, type TestServer } from './harness.js';

const base = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const schema = `latch_server_${randomUUID().replaceAll('-', '').slice(0, 12)}`;

let t: TestServer;
beforeAll(async () => {
  const url = `${base}?schema=${schema}`;
  await migrateDatabase(url);
  t = await startTestServer({ DATABASE_URL: url });
});
afterAll(async () => {
  await t?.close();
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
});

describe('on PostgreSQL', () => {
  it('registers, logs in, and reports the db healthy', async () => {
    const registered = await registerUser(t);
    const login = await t.call('auth.login', {
      input: { username: registered.user.username, password: PASSWORD },
    });
    expect(login.status).toBe(200);
    expect(login.data.user).toEqual(registered.user);
    const taken = await t.call('auth.register', {
      input: { username: registered.user.username, password: PASSWORD },
    });
    expect(taken.status).toBe(409);
    const health = await fetch(`${t.url}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok', redis: 'memory', db: 'ok' });
  });
});
