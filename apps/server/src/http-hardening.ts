import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/**
 * HTTP behaviour of every answer, kept in Fastify hooks so it holds whatever adapter serves
 * `/trpc`:
 * - security headers (helmet), with a CSP the bundled web app needs (it loads nothing from
 *   other origins; one inline style attribute);
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
  await app.register(helmet, {
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

  app.addHook('onRequest', async (request, reply) => {
    if (!isTrpc(request.url)) return;
    // Also on the raw response, for an adapter that writes to it directly.
    reply.raw.setHeader('cache-control', 'no-store');
    if (!ALLOWED_METHODS.has(request.method)) {
      return reply
        .code(405)
        .header('allow', 'GET, POST')
        .send({
          error: {
            message: `Method ${request.method} is not supported`,
            code: -32005,
            data: { code: 'METHOD_NOT_SUPPORTED', httpStatus: 405 },
          },
        });
    }
  });

  app.addHook('onSend', async (request, reply, payload) => {
    // An adapter may answer with a fetch Response (tRPC's does): Fastify then copies its headers
    // over the reply's, so set them on both.
    const response = payload instanceof Response ? payload.headers : undefined;
    if (isTrpc(request.url)) {
      reply.header('cache-control', 'no-store');
      response?.set('cache-control', 'no-store');
    }
    if (options.cors) {
      const vary = withOrigin([reply.getHeader('vary'), response?.get('vary')]);
      reply.header('vary', vary);
      response?.set('vary', vary);
    }
    return payload;
  });
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
