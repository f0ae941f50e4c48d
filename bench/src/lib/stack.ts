import { spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type JwtAlgorithm, loadSigningKeys, type SigningKeys } from '@latch/api';
import {
  freePort,
  type LatchProcess,
  type RedisServer,
  startLatchProcess,
  startRedisServer,
  waitFor,
} from '@latch/testing';
import { Redis } from 'ioredis';
import { track } from './cleanup.js';

/** Room for 1M tombstones and idle session hashes with margin; noeviction: a full Redis fails loudly. */
export const REDIS_MAXMEMORY = '3gb';
export const REDIS_PREFIX = 'latch:';
/** Failed logins never limit a benchmark. */
export const LOGIN_RATE_LIMIT = '1000000/1';
/** Nor do logins and registrations from its one loopback ip. */
const PER_IP_LIMITS = { LOGIN_IP_RATE_LIMIT: '1000000/1', REGISTER_RATE_LIMIT: '1000000/1' };

export interface PrivateRedis {
  server: RedisServer;
  client: Redis;
  version: string;
  stop(): Promise<void>;
}

/** A private redis-server on a free loopback port, plus a client for setting up and reading. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const server = await startRedisServer({
    args: ['--maxmemory', REDIS_MAXMEMORY, '--maxmemory-policy', 'noeviction'],
  });
  const stopServer = track(`redis-server :${server.port}`, () => server.stop());
  const client = new Redis(server.url, { maxRetriesPerRequest: 1, lazyConnect: true });
  await client.connect();
  const stopClient = track('redis client', async () => {
    client.disconnect();
  });
  const info = await client.info('server');
  const version = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
  return {
    server,
    client,
    version,
    async stop() {
      await stopClient();
      await stopServer();
    },
  };
}

/** Signing key material given to the server, so the benchmark can sign tokens it accepts. */
export interface KeyMaterial {
  alg: JwtAlgorithm;
  env: Record<string, string>;
  keys: SigningKeys;
}

export async function keyMaterial(alg: JwtAlgorithm): Promise<KeyMaterial> {
  if (alg === 'HS256') {
    const secret = randomBytes(48).toString('base64url');
    return {
      alg,
      env: { JWT_ALG: alg, JWT_SECRET: secret },
      keys: await loadSigningKeys({ alg, secret }),
    };
  }
  const { privateKey } =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('ed25519');
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return {
    alg,
    env: { JWT_ALG: alg, JWT_PRIVATE_KEY: privateKeyPem },
    keys: await loadSigningKeys({ alg, privateKeyPem }),
  };
}

export interface BenchServer {
  process: LatchProcess;
  url: string;
  stop(): Promise<void>;
}

/** The real server, built (`apps/server/dist/main.mjs`), as its own process on the given Redis. */
export async function startServer(
  redis: PrivateRedis,
  key: KeyMaterial,
  extraEnv: Record<string, string> = {},
): Promise<BenchServer> {
  const latch = await startLatchProcess(
    {
      REDIS_URL: redis.server.url,
      REDIS_PREFIX,
      LOG_LEVEL: 'warn',
      LOGIN_RATE_LIMIT,
      ...PER_IP_LIMITS,
      ...key.env,
      ...extraEnv,
    },
    // apps/server/dist, as `pnpm start` serves it (the bench script builds it first).
    { built: true },
  );
  const stop = track(`latch server :${latch.port}`, () => latch.stop());
  return { process: latch, url: latch.url, stop };
}

/** The tutorial's design (baseline/tutorial-server.ts) as its own process on a free port. */
export function startTutorialServer(redisUrl: string): Promise<BaselineServer> {
  return startBaselineServer('tutorial-server', { REDIS_URL: redisUrl });
}

export type Floor = 'route' | 'trpc-caller' | 'trpc-official' | 'trpc-thin';

/** One of the floors a Latch call is compared with (baseline/bare-fastify.ts). */
export function startBareFastify(floor: Floor): Promise<BaselineServer> {
  return startBaselineServer('bare-fastify', { FLOOR: floor });
}

export type PeerMode = 'database' | 'redis' | 'cookie-cache';

/** better-auth in one configuration (baseline/better-auth-server.ts) on PostgreSQL (+ Redis). */
export function startBetterAuth(
  mode: PeerMode,
  env: { databaseUrl: string; redisUrl: string; schema: string },
): Promise<BaselineServer> {
  return startBaselineServer('better-auth-server', {
    MODE: mode,
    DATABASE_URL: env.databaseUrl,
    REDIS_URL: env.redisUrl,
    PG_SCHEMA: env.schema,
  });
}

export interface BaselineServer {
  url: string;
  stop(): Promise<void>;
}

async function startBaselineServer(
  name: 'tutorial-server' | 'bare-fastify' | 'better-auth-server',
  env: Record<string, string>,
): Promise<BaselineServer> {
  // Built by the bench script (tsdown.config.ts): run as plain JavaScript, like Latch.
  const main = fileURLToPath(new URL(`../../dist/baseline/${name}.mjs`, import.meta.url));
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`pnpm bench\`, which builds it`);
  const port = await freePort();
  const child = spawn(process.execPath, [main], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { PATH: process.env.PATH, ...env, PORT: String(port) },
  });
  let output = '';
  child.stderr?.on('data', (chunk) => (output += chunk));
  const kill = async () => {
    if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {}
    await exited;
  };
  const stop = track(`${name} :${port}`, kill);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`${name} exited: ${output}`);
        return (await fetch(`${url}/healthz`)).ok;
      },
      { timeoutMs: 30_000, what: `${name} on ${url}` },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}
