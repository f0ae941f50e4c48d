import { existsSync } from 'node:fs';
import path from 'node:path';
import cors from '@fastify/cors';
import fastifyStatic from '@fastify/static';
import {
  AccessTokens,
  type AppRouter,
  AuthService,
  appRouter,
  type Clock,
  type LatchContext,
  loadSigningKeys,
  PasswordHasher,
  type PasswordHashOptions,
  sessionTimeoutsOf,
  systemClock,
} from '@latch/api';
import { type Database, openDatabase } from '@latch/db';
import { MAX_BATCH_SIZE } from '@latch/shared';
import { trpcFastifyPlugin } from '@latch/trpc-fastify';
import type { FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from 'fastify';
import { authSettingsOf } from './auth-settings.js';
import type { Settings } from './config.js';
import { registerHttpHardening } from './http-hardening.js';
import { registerIntrospection } from './introspection.js';
import { lazyRequestLogger } from './lazy-request-logger.js';
import { refreshCookieJar, TRANSPORT_HEADER } from './refresh-cookie-jar.js';
import { createSessionStore, type Store } from './session-store.js';
import { signingKeyMaterial } from './signing-key-material.js';

export const BODY_LIMIT_BYTES = 1024 * 1024;
const HEALTH_CHECK_TIMEOUT_MS = 1000;
/** How long other services may cache the JWKS: a new key is published this long before use. */
export const JWKS_MAX_AGE_S = 300;

export interface LatchServerOptions {
  /** Where development keys are kept; default `data/` under the working directory. */
  dataDir?: string;
  /** The built web app to serve, if present. */
  webDist?: string;
  clock?: Clock;
  passwordHashOptions?: PasswordHashOptions;
  logger?: FastifyServerOptions['logger'];
}

export interface LatchServer {
  app: FastifyInstance;
  auth: AuthService;
  store: Store;
  db: Database;
  /** Stops accepting, lets in-flight requests finish, then closes the store and the database. */
  close(): Promise<void>;
}

/** Wires config, store, database, tokens and the router into one Fastify instance. */
export async function createLatchServer(
  settings: Settings,
  options: LatchServerOptions = {},
): Promise<LatchServer> {
  const clock = options.clock ?? systemClock;
  const authSettings = authSettingsOf(settings);
  const keys = await loadSigningKeys(signingKeyMaterial(settings, options.dataDir ?? 'data'));
  const db = openDatabase(settings.DATABASE_URL);

  const app = Fastify({
    logger: options.logger ?? { level: settings.LOG_LEVEL },
    bodyLimit: BODY_LIMIT_BYTES,
    // One line per request is noise at the default level; `LOG_LEVEL=debug` brings it back.
    logController: new LogController({
      disableRequestLogging: !['debug', 'trace'].includes(settings.LOG_LEVEL),
    }),
    trustProxy: trustProxyOption(settings.TRUST_PROXY),
    // tRPC batches put every procedure name in the path.
    routerOptions: { maxParamLength: 5000 },
    // Each request's logger is made when first written to, not for every request.
    childLoggerFactory: lazyRequestLogger,
  });
  const store = createSessionStore(settings, sessionTimeoutsOf(authSettings), {
    clock,
    log: app.log,
  });
  const auth = new AuthService({
    users: db.users,
    sessions: store,
    rateLimits: store,
    accessTokens: new AccessTokens({
      keys,
      ttlMs: authSettings.accessTokenTtlMs,
      issuer: settings.JWT_ISSUER,
      audience: settings.JWT_AUDIENCE,
    }),
    passwords: new PasswordHasher(options.passwordHashOptions),
    settings: authSettings,
    clock,
  });

  await registerHttpHardening(app, { cors: Boolean(settings.CORS_ORIGINS) });
  app.addHook('onClose', async () => {
    await Promise.allSettled([store.close(), db.close()]);
  });

  if (settings.CORS_ORIGINS) {
    await app.register(cors, {
      origin: settings.CORS_ORIGINS,
      methods: ['GET', 'POST'],
      allowedHeaders: ['authorization', 'content-type', 'trpc-accept', TRANSPORT_HEADER],
      // The cookie transport from a listed origin: fetch with credentials: 'include'.
      credentials: true,
      maxAge: 600,
    });
  }
  const refreshCookieOf = refreshCookieJar({
    secure: settings.COOKIE_SECURE ?? settings.NODE_ENV === 'production',
    allowedOrigins: settings.CORS_ORIGINS ?? [],
  });

  // tRPC's own Fastify adapter answers through Fetch API objects, several times the cost of the
  // rest of a call; this drop-in answers plain JSON calls directly (see packages/trpc-fastify).
  await app.register(trpcFastifyPlugin, {
    prefix: '/trpc',
    trpcOptions: {
      router: appRouter,
      maxBatchSize: MAX_BATCH_SIZE,
      createContext: ({ req, res }): LatchContext => ({
        auth,
        origin: { ip: req.ip ?? null, userAgent: req.headers['user-agent'] ?? null },
        authorization: req.headers.authorization,
        refreshCookie: refreshCookieOf(req, res),
      }),
      onError({ error, path }) {
        if (error.code === 'INTERNAL_SERVER_ERROR')
          app.log.error({ err: error, path }, 'procedure failed');
      },
    } satisfies FastifyTRPCPluginOptions<AppRouter>['trpcOptions'],
    // No procedure of AppRouter reads `signal`; making one per call would cost a fifth of a ping.
    abortSignals: false,
  });

  // Other services verify Latch's access tokens with these public keys (RFC 7517). Retired keys
  // (JWT_PREVIOUS_KEYS) stay listed while their tokens may still be alive.
  const jwks = JSON.stringify({ keys: keys.publicJwks });
  app.get('/.well-known/jwks.json', async (_request, reply) =>
    reply
      .header('cache-control', `public, max-age=${JWKS_MAX_AGE_S}`)
      .type('application/json')
      .send(jwks),
  );

  await registerIntrospection(app, auth, settings.INTROSPECTION_CLIENTS);

  app.get('/healthz', async (_request, reply) => {
    const [redis, database] = await Promise.all([
      store.kind === 'memory' ? 'memory' : probe(() => store.ping()),
      probe(() => db.ping()),
    ]);
    const up = redis !== 'down' && database !== 'down';
    return reply.code(up ? 200 : 503).send({ status: up ? 'ok' : 'down', redis, db: database });
  });

  if (options.webDist && existsSync(path.join(options.webDist, 'index.html'))) {
    await serveWebApp(app, options.webDist);
  }

  return { app, auth, store, db, close: () => app.close() };
}

/** A hop count trusts that many proxies in front of us (Fastify's types lack the number form). */
function trustProxyOption(value: Settings['TRUST_PROXY']) {
  return typeof value === 'number' ? (_address: string, hop: number) => hop < value : value;
}

async function probe(check: () => Promise<void>): Promise<'ok' | 'down'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), HEALTH_CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return 'ok';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}

/** The single-page app: real files as they are, every other GET page to index.html. */
async function serveWebApp(app: FastifyInstance, root: string): Promise<void> {
  await app.register(fastifyStatic, { root, index: 'index.html', wildcard: false });
  app.setNotFoundHandler((request, reply) => {
    const isPage = request.method === 'GET' && !request.url.startsWith('/trpc');
    if (isPage) return reply.type('text/html').sendFile('index.html');
    return reply.code(404).send({ error: 'Not Found' });
  });
}
