import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * What protects any answer, JSON or not (OWASP REST Security Cheat Sheet): nothing may frame it,
 * sniff it into another type, or read it from another origin's page; HTTPS only once seen over
 * HTTPS (browsers ignore HSTS over http; subdomains are the deployer's call). The CSP is the
 * strictest there is: an API answer is never a document that loads anything.
 */
export const API_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cross-origin-resource-policy': 'same-origin',
  'strict-transport-security': 'max-age=31536000',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

/** A `/trpc` answer holds tokens or personal data, errors too: no cache may keep it. */
const TRPC_HEADERS: Readonly<Record<string, string>> = {
  ...API_HEADERS,
  'cache-control': 'no-store',
};

/**
 * HTTP behaviour of every answer, kept in Fastify hooks so it holds whatever adapter serves
 * `/trpc`:
 * - the API security headers on every API answer (`/trpc`, health, JWKS, introspection); the
 *   web app's pages and files get helmet's full set instead, with a CSP the app needs (it loads
 *   nothing from other origins; one inline style attribute). Headers that only mean something
 *   to a document (CSP sources, COOP, Referrer-Policy, …) are not sent with each API answer:
 *   each one costs every call;
 * - `Cache-Control: no-store` on every `/trpc` answer — tokens and personal data, errors too —
 *   so no browser or shared cache keeps them;
 * - methods other than GET/POST (and CORS preflights) at `/trpc` are a 405, not a 500;
 * - with CORS on, `Vary` keeps `Origin` next to whatever the adapter sets, so a shared cache
 *   never serves one origin's CORS answer to another.
 */
export async function registerHttpHardening(
  app: FastifyInstance,
  options: { cors: boolean },
): Promise<void> {
  // Helmet's headers are the same for every page: worked out once here, not per request (as
  // @fastify/helmet does, re-parsing the CSP each time — a tenth of a public call's CPU).
  const documentHeaders = staticHeadersOf({
    contentSecurityPolicy: {
      useDefaults: false, // the defaults add upgrade-insecure-requests, which breaks plain-http use
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        objectSrc: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // HSTS only matters behind TLS (browsers ignore it over http); subdomains are the deployer's call.
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: false },
  });

  app.addHook('onRequest', (request, reply, done) => {
    if (!isTrpc(request.url)) {
      // By path, not by the answer's type: a 304 revalidating a page has no Content-Type, and the
      // browser takes that 304's headers, CSP included, for the page it has cached.
      reply.headers(isApi(request.url) ? API_HEADERS : documentHeaders);
      return done();
    }
    // On the reply, not the raw response: one header set on `reply.raw` sends Node's `writeHead`
    // down its slow path (every header set again, one by one). Every /trpc answer leaves through
    // this reply, tRPC's own handler's too (Fastify copies its Response's headers, and tRPC sets
    // Cache-Control only from a router's `responseMeta`, which Latch's has none of).
    reply.headers(TRPC_HEADERS);
    if (!ALLOWED_METHODS.has(request.method)) {
      reply
        .code(405)
        .header('allow', 'GET, POST')
        .send({
          error: {
            message: `Method ${request.method} is not supported`,
            code: -32005,
            data: { code: 'METHOD_NOT_SUPPORTED', httpStatus: 405 },
          },
        });
      return;
    }
    done();
  });

  // Only with CORS on: a hook costs every request something, even one with nothing to do.
  if (options.cors) {
    app.addHook('onSend', (_request, reply, payload, done) => {
      // An adapter may answer with a fetch Response (tRPC's does): Fastify then copies its
      // headers over the reply's, so set Vary on both.
      const response = payload instanceof Response ? payload.headers : undefined;
      const vary = withOrigin([reply.getHeader('vary'), response?.get('vary')]);
      reply.header('vary', vary);
      response?.set('vary', vary);
      done(null, payload);
    });
  }
}

/** The headers helmet sets with these options, read once off a stand-in response. */
function staticHeadersOf(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  helmet(options)(
    {} as IncomingMessage,
    response as unknown as ServerResponse,
    (error?: unknown) => {
      if (error) throw error;
    },
  );
  return headers;
}

/** The other API routes: health, JWKS, introspection. Everything else is the web app's. */
function isApi(url: string): boolean {
  return url.startsWith('/healthz') || url.startsWith('/.well-known/') || url.startsWith('/oauth/');
}

const ALLOWED_METHODS = new Set(['GET', 'POST', 'OPTIONS', 'HEAD']);

function isTrpc(url: string): boolean {
  return url === '/trpc' || url.startsWith('/trpc/') || url.startsWith('/trpc?');
}

/** The union of the given Vary values, with Origin in it. */
function withOrigin(varies: unknown[]): string {
  const values = [
    ...new Set(
      varies
        .flat()
        .filter((vary) => vary !== undefined && vary !== null)
        .flatMap((vary) => String(vary).split(','))
        .map((value) => value.trim())
        .filter(Boolean),
    ),
  ];
  if (!values.some((value) => value.toLowerCase() === 'origin' || value === '*')) {
    values.push('Origin');
  }
  return values.join(', ');
}
