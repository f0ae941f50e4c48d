/**
 * The peer: better-auth (1.x) on Fastify 5, its session check inside a route — what a team would
 * write instead of Latch. `MODE` picks the configuration:
 * - `database`: sessions in PostgreSQL only (every check reads the database);
 * - `redis`: `secondaryStorage` on Redis (sessions read from Redis);
 * - `cookie-cache`: `session.cookieCache` (a signed cookie answers for up to 5 minutes, no I/O).
 * Routes: POST /setup signs a new user up and answers the Cookie header to send; GET /me is the
 * authenticated call; POST /revoke signs that session out. Each run migrates its own schema
 * (PG_SCHEMA), dropped first, so runs never see each other's rows.
 */
import { betterAuth } from 'better-auth';
import { getMigrations } from 'better-auth/db/migration';
import { fromNodeHeaders } from 'better-auth/node';
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import pg from 'pg';

const mode = process.env.MODE ?? 'database';
const port = Number(process.env.PORT ?? 0);
const schema = process.env.PG_SCHEMA ?? 'latch_bench_peer';
if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`bad PG_SCHEMA ${schema}`);
const baseURL = `http://127.0.0.1:${port}`;

const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
await admin.connect();
await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);
await admin.end();
const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  options: `-c search_path=${schema}`,
  max: 10,
});

const redis = mode === 'redis' ? new Redis(process.env.REDIS_URL ?? '') : undefined;
const auth = betterAuth({
  database: pool,
  baseURL,
  secret: process.env.BETTER_AUTH_SECRET ?? 'bench-only-secret-of-at-least-32-chars!!',
  emailAndPassword: { enabled: true },
  rateLimit: { enabled: false },
  telemetry: { enabled: false },
  ...(redis && {
    secondaryStorage: {
      get: (key: string) => redis.get(key),
      getAndDelete: (key: string) => redis.getdel(key),
      increment: async (key: string, ttl: number) => {
        const [[, count]] = (await redis.multi().incr(key).expire(key, ttl, 'NX').exec()) as [
          [unknown, number],
        ];
        return count;
      },
      set: async (key: string, value: string, ttl?: number) => {
        if (ttl) await redis.set(key, value, 'EX', ttl);
        else await redis.set(key, value);
      },
      delete: async (key: string) => {
        await redis.del(key);
      },
    },
  }),
  ...(mode === 'cookie-cache' && { session: { cookieCache: { enabled: true, maxAge: 300 } } }),
});
const { runMigrations } = await getMigrations(auth.options);
await runMigrations();

const app = Fastify({ logger: false });
app.get('/healthz', async () => ({ status: 'ok', mode }));

app.post('/setup', async (request) => {
  const { email } = request.body as { email: string };
  const response = await auth.handler(
    new Request(`${baseURL}/api/auth/sign-up/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: baseURL },
      body: JSON.stringify({ email, password: 'bench-password-1234', name: 'bench' }),
    }),
  );
  if (!response.ok) throw new Error(`sign-up: ${response.status} ${await response.text()}`);
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(';', 1)[0])
    .join('; ');
  return { cookie };
});

app.get('/me', async (request, reply) => {
  const session = await auth.api.getSession({ headers: fromNodeHeaders(request.headers) });
  if (!session) return reply.code(401).send({ error: 'unauthorized' });
  return { user: { id: session.user.id, name: session.user.name } };
});

app.post('/revoke', async (request) => {
  await auth.api.signOut({ headers: fromNodeHeaders(request.headers) });
  return { ok: true };
});

await app.listen({ host: '127.0.0.1', port });

// The bench stops this process with SIGTERM: leave no schema behind in the shared database.
process.once('SIGTERM', async () => {
  await app.close();
  await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
  await pool.end();
  redis?.disconnect();
  process.exit(0);
});
