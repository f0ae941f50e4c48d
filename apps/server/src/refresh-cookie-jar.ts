import type { RefreshCookie } from '@latch/api';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Only the tRPC endpoint ever needs the refresh token. */
export const COOKIE_PATH = '/trpc';
export const TRANSPORT_HEADER = 'x-latch-transport';

export function refreshCookieName(secure: boolean): string {
  // `__Secure-`: browsers take the cookie only from https and with Secure set. (`__Host-` would
  // force Path=/, wider than the cookie needs.)
  return secure ? '__Secure-latch-refresh' : 'latch-refresh';
}

/**
 * The refresh-token cookie of each request, for the procedures (`RefreshCookie`): httpOnly,
 * SameSite=Strict, Path=/trpc, Secure per COOKIE_SECURE. What is the same for every request is
 * worked out once, here.
 */
export function refreshCookieJar(options: {
  secure: boolean;
  allowedOrigins: readonly string[];
}): (request: FastifyRequest, reply: FastifyReply) => RefreshCookie {
  const name = refreshCookieName(options.secure);
  const attributes = {
    path: COOKIE_PATH,
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: options.secure,
  };
  // Made for every call, read only by the few procedures that touch the cookie: each answer is
  // worked out when asked.
  return (request, reply) => ({
    get requested() {
      return request.headers[TRANSPORT_HEADER] === 'cookie';
    },
    get crossSite() {
      return isCrossSite(request, options.allowedOrigins);
    },
    read: () => {
      const header = request.headers.cookie;
      return header === undefined ? undefined : request.server.parseCookie(header)[name];
    },
    set(token, expiresAt) {
      reply.setCookie(name, token, { ...attributes, expires: new Date(expiresAt) });
    },
    clear() {
      reply.clearCookie(name, attributes);
    },
  });
}

/**
 * Whether a browser sent this request from another site: its `Origin` is neither this server's
 * nor one of CORS_ORIGINS, or (without an Origin) `Sec-Fetch-Site` says cross-site. A request
 * without either header is not a browser's cross-site request (curl, server-side clients).
 */
export function isCrossSite(request: FastifyRequest, allowedOrigins: readonly string[]): boolean {
  const origin = request.headers.origin;
  if (origin !== undefined) {
    const own = `${request.protocol}://${request.headers.host ?? ''}`;
    return origin !== own && !allowedOrigins.includes(origin);
  }
  const site = request.headers['sec-fetch-site'];
  return site === 'cross-site' || site === 'same-site';
}
