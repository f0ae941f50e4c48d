import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { createLatchServer, type LatchServer } from '../src/app.js';
import { parseSettings } from '../src/config.js';
import { waitForStore } from '../src/wait-for-store.js';

/** A clock the test moves by hand; starts at the real time so Redis TTLs stay meaningful. */
export function manualClock() {
  let now = Date.now();
  const clock = () => now;
  clock.advance = (ms: number) => {
    now += ms;
  };
  return clock;
}

export interface TestServer {
  url: string;
  server: LatchServer;
  call: (procedure: string, options?: CallOptions) => Promise<CallResult>;
  close(): Promise<void>;
}

export interface CallOptions {
  input?: unknown;
  token?: string;
  headers?: Record<string, string>;
}

export interface CallResult {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON came back
  body: any;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON came back
  data: any;
  authCode: string | undefined;
}

const QUERIES = new Set(['auth.me', 'auth.sessions', 'system.ping']);
// Cheap argon2 for tests: the cost profile is not what is under test here.
export const FAST_HASH = { memoryCost: 1024, timeCost: 1, parallelism: 1 };

/** An in-process Latch server on a free loopback port, with its own copy of the SQLite db. */
export async function startTestServer(
  env: Record<string, string> = {},
  options: { clock?: () => number; webDist?: string } = {},
): Promise<TestServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'latch-test-'));
  const dbFile = path.join(dir, 'latch.db');
  copyFileSync(inject('sqliteTemplate'), dbFile);
  const settings = parseSettings({
    NODE_ENV: 'test',
    DATABASE_URL: `file:${dbFile}`,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // Tests register and log in many users from one loopback ip; tests of the limits set their own.
    LOGIN_RATE_LIMIT: '1000/60',
    LOGIN_IP_RATE_LIMIT: '100000/60',
    REGISTER_RATE_LIMIT: '100000/60',
    ...env,
  });
  const server = await createLatchServer(settings, {
    dataDir: dir,
    passwordHashOptions: FAST_HASH,
    ...(options.clock && { clock: options.clock }),
    ...(options.webDist && { webDist: options.webDist }),
  });
  await waitForStore(server.store, server.app.log); // as main.ts does before taking traffic
  const url = await server.app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    server,
    call: (procedure, callOptions) => callProcedure(url, procedure, callOptions),
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One tRPC call over real HTTP, the way any non-TypeScript client would make it. */
export async function callProcedure(
  baseUrl: string,
  procedure: string,
  { input, token, headers = {} }: CallOptions = {},
): Promise<CallResult> {
  const isQuery = QUERIES.has(procedure);
  const target = new URL(`/trpc/${procedure}`, baseUrl);
  if (isQuery && input !== undefined) target.searchParams.set('input', JSON.stringify(input));
  const response = await fetch(target, {
    method: isQuery ? 'GET' : 'POST',
    headers: {
      ...(isQuery ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    ...(isQuery || input === undefined ? {} : { body: JSON.stringify(input) }),
  });
  const body = (await response.json()) as CallResult['body'];
  return {
    status: response.status,
    body,
    data: body.result?.data,
    authCode: body.error?.data?.authCode,
  };
}

let counter = 0;
export function uniqueName(prefix = 'user'): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}

export const PASSWORD = 'correct horse battery';

/** Registers a fresh user and returns the login output. */
// biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON came back
export async function registerUser(t: TestServer, username = uniqueName()): Promise<any> {
  const result = await t.call('auth.register', { input: { username, password: PASSWORD } });
  if (result.status !== 200) throw new Error(`register failed: ${JSON.stringify(result.body)}`);
  return result.data;
}
