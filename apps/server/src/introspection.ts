import { createHash, timingSafeEqual } from 'node:crypto';
import type { AuthService } from '@latch/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Settings } from './config.js';

/** Failed client authentications one ip may make per window, on each instance, before 429. */
const FAILURES_ALLOWED = 20;
const FAILURE_WINDOW_MS = 60_000;
/** Bounds the memory of the failure counts: the oldest ip is forgotten first. */
const MAX_TRACKED_IPS = 10_000;

type Client = NonNullable<Settings['INTROSPECTION_CLIENTS']>[number];

/**
 * `POST /oauth/introspect` (RFC 7662) for the services listed in INTROSPECTION_CLIENTS, with
 * HTTP Basic client credentials. Without any configured client every call answers 401.
 */
export async function registerIntrospection(
  app: FastifyInstance,
  auth: AuthService,
  clients: readonly Client[] = [],
): Promise<void> {
  const expected = clients.map((client) => digest(client.id, client.secret));
  const failures = new FailureCounter();

  await app.register(async (scope) => {
    // RFC 7662 posts a form; only this route parses one.
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 16 * 1024 },
      (_request, body, done) => done(null, new URLSearchParams(String(body))),
    );

    scope.post('/oauth/introspect', async (request, reply) => {
      reply.header('cache-control', 'no-store');
      const ip = request.ip;
      if (failures.limited(ip)) {
        return reply
          .code(429)
          .header('retry-after', String(Math.ceil(FAILURE_WINDOW_MS / 1000)))
          .send({ error: 'too_many_requests' });
      }
      if (!authenticated(request, expected)) {
        failures.add(ip);
        return reply
          .code(401)
          .header('www-authenticate', 'Basic realm="latch introspection"')
          .send({ error: 'invalid_client' });
      }
      const token = request.body instanceof URLSearchParams ? request.body.get('token') : null;
      if (!token) return reply.code(400).send({ error: 'invalid_request' });
      return reply.send(await auth.introspect(token));
    });
  });
}

/** RFC 6749 §2.3.1: id and secret are form-encoded, then joined with ':' and base64-encoded. */
function authenticated(request: FastifyRequest, expected: readonly Buffer[]): boolean {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(request.headers.authorization ?? '');
  if (!match?.[1]) return false;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  let presented: Buffer;
  try {
    presented = digest(
      decodeURIComponent(decoded.slice(0, colon).replaceAll('+', ' ')),
      decodeURIComponent(decoded.slice(colon + 1).replaceAll('+', ' ')),
    );
  } catch {
    return false;
  }
  // Every configured client is compared, in constant time, so timing tells nothing.
  let found = false;
  for (const candidate of expected) found = timingSafeEqual(candidate, presented) || found;
  return found;
}

function digest(id: string, secret: string): Buffer {
  return createHash('sha256').update(`${id}\0${secret}`).digest();
}

/** Failed attempts per ip in a fixed window, in this process only. */
class FailureCounter {
  readonly #counts = new Map<string, { count: number; resetAt: number }>();

  limited(ip: string): boolean {
    const entry = this.#counts.get(ip);
    return entry !== undefined && entry.resetAt > Date.now() && entry.count >= FAILURES_ALLOWED;
  }

  add(ip: string): void {
    const now = Date.now();
    const entry = this.#counts.get(ip);
    if (entry && entry.resetAt > now) {
      entry.count += 1;
      return;
    }
    this.#counts.delete(ip);
    if (this.#counts.size >= MAX_TRACKED_IPS) {
      const oldest = this.#counts.keys().next().value;
      if (oldest !== undefined) this.#counts.delete(oldest);
    }
    this.#counts.set(ip, { count: 1, resetAt: now + FAILURE_WINDOW_MS });
  }
}
